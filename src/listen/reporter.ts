/**
 * Prints a listen session: a line per event for people, or NDJSON for machines. Every
 * string that came from a request, a handler or the tunnel server goes through printable():
 * an event_type can carry escape sequences meant for the terminal that shows it.
 */
import { relative, sep } from 'node:path';
import { describeResult } from '../http/describe.js';
import type { Output } from '../ui/output.js';
import { printable } from '../text/printable.js';
import type { Spinner } from '../ui/spinner.js';
import type { DriftFinding } from '../events/drift.js';
import type { ListenEvent, ListenReady, ListenReporter, ListenSummary, ListenTidied } from './types.js';
import type { RejectedRequest } from '../receiver/types.js';
import type { TunnelEvent } from '../tunnel/types.js';
import { round } from '../round.js';

export class ConsoleListenReporter implements ListenReporter {
  private spinner: Spinner | undefined;
  /** The last reason a tunnel could not be opened, so retries only speak when it changes. */
  private lastUnavailable: string | undefined;
  /** Whether event-type rules are set, so that lines say which route took each webhook. */
  private routed = false;

  constructor(
    private readonly out: Output,
    private readonly startSpinner: (text: string) => Spinner | undefined,
    private readonly tunnelHost: string | undefined,
    /** The inspector's URL, when it runs alongside (`--ui`). */
    private readonly ui?: string,
  ) {}

  ready(info: ListenReady): void {
    const { out } = this;
    this.routed = info.routes.length > 0;
    out.record({ kind: 'ready', localUrl: info.localUrl, publicUrl: null, tunnel: info.tunnel, forwardTo: info.forwardTo, routes: info.routes, recordDir: info.recordDir, ...(this.ui ? { ui: this.ui } : {}) });
    const c = out.color;
    out.line(`${c.bold('Listening')}     ${info.localUrl}  ${c.dim('(local)')}`);
    if (this.ui) out.line(`${c.bold('Inspector')}     ${c.bold.underline(this.ui)}  ${c.dim('(open it in a browser)')}`);
    if (info.routes.length === 0) {
      out.line(info.forwardTo ? `${c.bold('Forwarding')}    → ${info.forwardTo}` : `${c.bold('Forwarding')}    ${c.dim('off: answering 200 and recording (add --forward-to <url>)')}`);
    } else {
      const rules = [...info.routes.map((route) => [route.pattern, route.to]), ['everything else', info.forwardTo ?? c.dim('nowhere: recorded and answered 200')]];
      const width = Math.max(...rules.map(([pattern]) => (pattern ?? '').length));
      rules.forEach(([pattern, to], i) => out.line(`${i === 0 ? c.bold('Forwarding') : '          '}    ${(pattern ?? '').padEnd(width)} → ${to}`));
    }
    out.line(`${c.bold('Recording')}     ${info.recordDir !== null ? printable(info.recordDir) : c.dim('off')}`);
    if (info.tunnel === 'connecting') this.spinner = this.startSpinner(`Opening a public tunnel via ${this.tunnelHost ?? 'localtunnel'} …`);
    else out.line(c.dim('Tunnel        off (--no-tunnel): reachable from this machine only'));
  }

  tidied(tidied: ListenTidied): void {
    const { out } = this;
    out.record({ kind: 'tidied', ...tidied });
    const parts = [
      ...(tidied.recovered > 0 ? [`recovered ${tidied.recovered} complete fixture(s)`] : []),
      ...(tidied.removed > 0 ? [`removed ${tidied.removed} partial one(s)`] : []),
    ];
    out.warn(`an earlier listen was interrupted while writing to ${printable(tidied.dir)}: ${parts.join(', ')}`);
  }

  tunnel(event: TunnelEvent): void {
    const { out } = this;
    const c = out.color;
    const { kind: state, ...details } = event;
    out.record({ kind: 'tunnel', state, ...details, ...(event.kind === 'open' || event.kind === 'changed' ? { publicUrl: event.url } : {}) });
    const spinner = this.spinner;
    this.spinner = undefined;
    switch (event.kind) {
      case 'open':
        spinner?.stop();
        this.lastUnavailable = undefined;
        out.line(`${c.green.bold('Public URL')}    ${c.bold.underline(printable(event.url))}`);
        out.line(c.dim('              Paste it into your HeapStream project settings (Webhooks) to receive events here.'));
        return;
      case 'changed':
        spinner?.stop();
        out.line(c.yellow.bold('!! The public URL changed: HeapStream will keep posting to the old one until you update it !!'));
        out.line(`${c.yellow.bold('New URL')}       ${c.bold.underline(printable(event.url))}   ${c.dim(`(was ${printable(event.previousUrl)})`)}`);
        out.line(c.dim('              Paste the new URL into your HeapStream project settings (Webhooks).'));
        return;
      case 'down':
        out.warn(`the tunnel went down (${printable(event.reason)}); reconnecting…`);
        return;
      case 'probe-failed':
        out.warn(
          `a probe through ${printable(event.url)} was not answered by this listener: ${printable(event.detail)}. A webhook sent now would meet the same; the handler never sees it.`,
        );
        return;
      case 'unavailable':
        spinner?.stop();
        if (event.reason !== this.lastUnavailable) {
          // A retry within the second is no news ("next in 0 s"); a longer wait is worth a number.
          const next = event.retryInMs >= 1_000 ? ` (next in ${Math.round(event.retryInMs / 1000)} s)` : '';
          out.warn(`no public tunnel: ${printable(event.reason)}. Still serving locally at the URL above; retrying in the background${next}.`);
        }
        this.lastUnavailable = event.reason;
        return;
    }
  }

  event(event: ListenEvent): void {
    const { out } = this;
    // One of the two is printed: a line per webhook costs only what its mode prints.
    if (out.json) {
      out.record({ kind: 'event', ...event, handler: event.handler ? { ok: event.handler.ok, status: event.handler.status ?? null, durationMs: round(event.handler.durationMs), error: event.handler.error ?? null } : null });
      return;
    }
    const c = out.color;
    const time = event.receivedAt.slice(11, 19);
    const what = event.type !== null ? printable(event.type) : event.json ? 'unknown-json' : 'non-json body';
    const video = event.videoId !== null ? `v${event.videoId}` : '-';
    const status = event.status < 300 ? c.green(String(event.status)) : c.red(String(event.status));
    const handler = event.handler ? `handler ${printable(describeResult(event.handler))}` : c.dim(event.route === 'none' ? 'no route: not forwarded' : 'not forwarded');
    // With rules, which one took it; with one handler for everything, nothing to say.
    const route = event.route !== null && event.route !== 'none' && this.routed ? c.dim(` [${printable(event.route)}]`) : '';
    const file = event.fixture ? c.dim(printable(shownPath(event.fixture))) : '';
    const copy = event.retry ? c.cyan(' [retry]') : event.duplicate ? c.yellow(' [duplicate]') : '';
    const drift = event.drift.length > 0 ? c.yellow(` [drift: ${driftText(event.drift)}]`) : '';
    out.line(`${c.dim(time)} ${event.via === 'tunnel' ? '⇄' : '→'} ${what.padEnd(16)} ${video.padEnd(10)} ${status}  ${handler}${route}  ${file}${copy}${drift}`);
  }

  rejected(rejected: RejectedRequest): void {
    const { out } = this;
    out.record({ kind: 'rejected', ...rejected });
    const why = {
      path: 'wrong path',
      method: 'not a POST',
      'too-large': 'body over --max-body',
      aborted: 'sender hung up',
      timeout: 'the request did not arrive whole in time',
      'bad-request': 'not readable as HTTP',
      probe: "another listener's probe",
    }[rejected.reason];
    out.line(out.color.dim(`rejected ${rejected.status || '-'} ${printable(rejected.method.slice(0, 16))} ${printable(rejected.path.slice(0, 80))}: ${why}`));
  }

  /** Warnings can quote a handler's or a request's words (error messages): printable too. */
  warn(text: string): void {
    this.out.warn(printable(text));
  }

  summary(summary: ListenSummary): void {
    const { out } = this;
    out.record({ kind: 'summary', ...summary });
    out.line('');
    out.line(
      `${summary.received} received · ${summary.forwarded} forwarded (${summary.handlerOk} ok, ${summary.handlerFailed} failed) · ${summary.recorded} recorded · ${summary.retries} retries · ${summary.duplicates} duplicates · ${summary.drifting} drifting from the model · ${summary.rejected} rejected`,
    );
    if (summary.probesFailed > 0) {
      out.line(out.color.yellow(`${summary.probesFailed} probe(s) through the public URL were answered by something other than this listener (see the lines above)`));
    }
  }
}

/**
 * A fixture's path relative to the working directory. Fixtures are absolute, normalized paths
 * (resolved by the recorder), so one under the working directory is the rest of its path;
 * path.relative() resolves and splits both paths for every webhook to say the same.
 */
function shownPath(file: string): string {
  const cwd = process.cwd();
  return file.startsWith(cwd) && file[cwd.length] === sep && cwd !== sep ? file.slice(cwd.length + 1) : relative(cwd, file);
}

/** The first finding, and how many more: `format video.asset.duration +1`. Paths come from the body. */
function driftText(findings: readonly DriftFinding[]): string {
  const [first] = findings;
  const more = findings.length > 1 ? ` +${findings.length - 1}` : '';
  return first ? `${first.kind} ${printable(first.path)}${more}` : '';
}

import type { Command } from 'commander';
import { Option } from '../../commander.js';
import { UsageError } from '../../errors.js';
import { collect, parseDuration, parseInteger, parseSize } from '../../options/flags.js';
import { DEFAULT_FIXTURES_DIR, FIXTURES_DIR_ENV, FORWARD_TO_ENV, addHeaderOption, headersFromFlags } from '../../options/groups.js';
import { runAction } from '../action.js';
import type { TunnelKind } from '../../listen/types.js';

interface ListenFlags {
  port: string;
  forwardTo?: string[];
  header?: string[];
  forwardTimeout: string;
  ack?: boolean;
  record: string | false;
  maxBody: string;
  path?: string;
  tunnel: string | false;
  publicUrl?: string;
  tunnelHost: string;
  subdomain?: string;
  requireTunnel?: boolean;
  tunnelTimeout: string;
  probeInterval: string;
  headersTimeout: string;
  requestTimeout: string;
  keepAliveTimeout?: string;
  events?: string;
  newUrl?: boolean;
  ui?: boolean;
  uiPort?: string;
  json?: boolean;
}

export const DEFAULT_PORT = 8765;
export const DEFAULT_TUNNEL_HOST = 'https://localtunnel.me';

export function registerListen(program: Command): void {
  const command = program
    .command('listen')
    .description('Receive HeapStream webhooks through a public tunnel, forward them to your handler, record each as a fixture')
    .addOption(new Option('--port <n>', 'local port; 0 picks a free one').env('HEAPSTREAM_PORT').default(String(DEFAULT_PORT)))
    .addOption(
      new Option('--forward-to <url|glob=url>', 'your handler, or "<glob>=<url>" for some event types (repeatable: the first matching rule wins, a plain URL takes the rest); without it every webhook is recorded and answered 200')
        .env(FORWARD_TO_ENV)
        .argParser(collect),
    )
    .option('--forward-timeout <ms>', "per-attempt timeout; HeapStream's is 5 s; raise it to sit on a breakpoint", '5s')
    .option('--ack', 'answer 200 at once and forward in the background')
    .addOption(new Option('--record <dir>', 'fixtures directory').env(FIXTURES_DIR_ENV).default(DEFAULT_FIXTURES_DIR))
    .option('--no-record', 'record nothing')
    .option('--max-body <size>', 'largest body accepted; larger gets 413 and is not forwarded', '1mb')
    .option('--path <path>', 'the path that accepts webhooks (default: an unguessable token, kept for this directory)')
    .option('--new-url', 'forget the saved path token and subdomain for this directory and make new ones')
    .option('--tunnel <kind>', 'how to be reachable: localtunnel, or cloudflared or ngrok already on PATH (never downloaded), or none', 'localtunnel')
    .option('--no-tunnel', 'serve on this machine only, no public URL (same as --tunnel none)')
    .option('--public-url <url>', 'a public URL you already have that forwards to --port (your reverse proxy, a Tailscale Funnel, a tunnel you started): printed to paste, with the webhook path added, and probed')
    .addOption(new Option('--tunnel-host <url>', 'localtunnel server').env('HEAPSTREAM_TUNNEL_HOST').default(DEFAULT_TUNNEL_HOST))
    .option('--subdomain <name>', 'ask the tunnel server for this subdomain (default: one kept for this directory)')
    .option('--require-tunnel', 'exit 1 when no tunnel can be opened, instead of serving locally')
    .option('--tunnel-timeout <ms>', 'how long opening the tunnel may take', '10s')
    .option('--probe-interval <ms>', 'how often to check the tunnel end to end through the public URL', '15s')
    .option('--headers-timeout <ms>', "how long a request may take to send its headers, from its first byte; longer gets 408", '10s')
    .option('--request-timeout <ms>', 'how long a whole request may take, from its first byte; longer gets 408', '60s')
    .option('--keep-alive-timeout <ms>', 'how long an idle keep-alive connection from a local sender stays open (default: 5s; with --public-url, as long as your proxy keeps it)')
    .option('--events <glob>', 'only forward and show these event types, e.g. "video.*" or video.ready,video.failed')
    .option('--ui', 'also serve the web inspector on 127.0.0.1: every webhook live, replay, compare')
    .option('--ui-port <n>', 'port for the inspector (implies --ui; default: a free one)')
    .option('--json', 'NDJSON only: a ready line (with `ui` under --ui), tunnel lines, one line per event, a summary');
  addHeaderOption(command, 'add this header to every forwarded request')
    .addHelpText(
      'after',
      `
Examples:
  $ heapstream-webhooks listen
  $ heapstream-webhooks listen --forward-to http://localhost:3000/webhooks
  $ heapstream-webhooks listen --forward-to http://localhost:3000/webhooks --subdomain my-app-dev --events "video.*"
  $ heapstream-webhooks listen --forward-to "video.ready=http://localhost:4000/hooks" --forward-to http://localhost:3000/webhooks
  $ heapstream-webhooks listen --forward-to http://localhost:3000/webhooks --header "Authorization: Bearer dev-token"
  $ heapstream-webhooks listen --no-tunnel --port 0 --json
  $ heapstream-webhooks listen --forward-to http://localhost:3000/webhooks --ui

In another terminal in the same directory, \`heapstream-webhooks fire video.created\` sends through this listen.

Ctrl-C stops accepting, lets in-flight deliveries finish (up to 10 s), prints a summary and exits 130 (143 on SIGTERM).`,
    )
    .action((flags: ListenFlags) =>
      runAction({ json: flags.json, sends: true }, async ({ output, takeInterrupt }) => {
        const [{ parseHandlerUrl }, { parseForwardRules }, { run }] = await Promise.all([
          import('../../delivery/url.js'),
          import('../../listen/routes.js'),
          import('./run.js'),
        ]);
        const { forwardTo, routes } = parseForwardRules(flags.forwardTo ?? [], '--forward-to');
        const extraHeaders = await headersFromFlags(flags.header);
        const tunnel = tunnelKind(flags);
        if (flags.requireTunnel && !tunnel) throw new UsageError('--require-tunnel and --no-tunnel contradict each other; drop one');
        if (tunnel === 'cloudflared' || tunnel === 'ngrok') {
          const { findProgram } = await import('../../tunnel/program.js');
          findProgram(tunnel);
        }
        const forwardTimeoutMs = parseDuration('--forward-timeout', flags.forwardTimeout);
        return run({
          port: parseInteger('--port', flags.port, { min: 0, max: 65_535 }),
          path: normalizePath(flags.path),
          maxBodyBytes: parseSize('--max-body', flags.maxBody),
          ...(forwardTo ? { forwardTo } : {}),
          routes,
          ...(extraHeaders ? { extraHeaders } : {}),
          forwardTimeoutMs,
          ack: Boolean(flags.ack),
          ...(flags.record !== false ? { recordDir: flags.record } : {}),
          ...(flags.events !== undefined ? { events: flags.events } : {}),
          headersTimeoutMs: parseDuration('--headers-timeout', flags.headersTimeout),
          requestTimeoutMs: parseDuration('--request-timeout', flags.requestTimeout),
          ...(flags.keepAliveTimeout !== undefined ? { keepAliveTimeoutMs: parseDuration('--keep-alive-timeout', flags.keepAliveTimeout) } : {}),
          ...(tunnel
            ? {
                tunnel: {
                  kind: tunnel,
                  ...(flags.publicUrl !== undefined ? { publicUrl: parseHandlerUrl('--public-url', flags.publicUrl).href.replace(/\/+$/, '') } : {}),
                  ...(process.env['HEAPSTREAM_NGROK_API'] ? { ngrokApiUrl: parseHandlerUrl('HEAPSTREAM_NGROK_API', process.env['HEAPSTREAM_NGROK_API']).origin } : {}),
                  host: parseHandlerUrl('--tunnel-host', flags.tunnelHost).origin,
                  subdomain: parseSubdomain(flags.subdomain),
                  openTimeoutMs: parseDuration('--tunnel-timeout', flags.tunnelTimeout),
                  probeIntervalMs: parseDuration('--probe-interval', flags.probeInterval),
                  required: Boolean(flags.requireTunnel),
                },
              }
            : {}),
          shutdownGraceMs: Math.min(forwardTimeoutMs + 1_000, 10_000),
          newUrl: Boolean(flags.newUrl),
          ...(flags.ui || flags.uiPort !== undefined ? { uiPort: flags.uiPort !== undefined ? parseInteger('--ui-port', flags.uiPort, { min: 0, max: 65_535 }) : 0 } : {}),
          output,
          takeInterrupt,
        });
      }),
    );
}

const TUNNEL_KINDS = ['localtunnel', 'cloudflared', 'ngrok', 'none'] as const;

/** --tunnel, --no-tunnel and --public-url as one choice; false: no public URL. */
function tunnelKind(flags: ListenFlags): TunnelKind | false {
  if (flags.tunnel !== false && !(TUNNEL_KINDS as readonly string[]).includes(flags.tunnel)) {
    throw new UsageError(`--tunnel "${flags.tunnel}" is not one of ${TUNNEL_KINDS.join(', ')}`);
  }
  if (flags.publicUrl !== undefined) {
    if (flags.tunnel !== 'localtunnel') throw new UsageError(`--public-url and --${flags.tunnel === false ? 'no-tunnel' : `tunnel ${flags.tunnel}`} contradict each other: --public-url is the public URL; drop one`);
    return 'public-url';
  }
  return flags.tunnel === false || flags.tunnel === 'none' ? false : (flags.tunnel as TunnelKind);
}

function normalizePath(path: string | undefined): string {
  if (path === undefined) return '';
  if (!/^\/?[A-Za-z0-9._~\-/]+$/.test(path) || path.includes('..')) {
    throw new UsageError(`--path "${path}" is not a plain URL path; use letters, digits and - _ . ~ /, e.g. --path /webhooks`);
  }
  return `/${path.replace(/^\/+/, '').replace(/\/+$/, '')}`;
}

function parseSubdomain(name: string | undefined): string {
  if (name === undefined) return '';
  if (!/^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/.test(name)) {
    throw new UsageError(`--subdomain "${name}" is not a valid subdomain; use 4 to 63 lowercase letters, digits and dashes, e.g. --subdomain my-app-dev`);
  }
  return name;
}

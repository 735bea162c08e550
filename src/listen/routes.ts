/**
 * listen's forwarding rules, as given: each value is a handler URL (the default route) or
 * `<glob>=<url>` (webhooks whose event type matches go there). Rules are tried in the order
 * given; the default takes what no rule matched, wherever it was given.
 */
import { parseHandlerUrl } from '../delivery/url.js';
import { UsageError } from '../errors.js';
import { eventMatcher } from '../store/filter.js';
import type { ListenRoute } from './types.js';

/** `video.ready=http://…`: a glob has no `:` or `/`, so a URL's own `=` (in its query) is never taken for one. */
const RULE = /^([^:/=]*)=(.*)$/;

export function parseForwardRules(values: readonly string[], option: string): { forwardTo?: URL; routes: ListenRoute[] } {
  let forwardTo: URL | undefined;
  const routes: ListenRoute[] = [];
  for (const value of values) {
    const rule = RULE.exec(value);
    if (!rule) {
      const url = parseHandlerUrl(option, value);
      if (forwardTo) throw new UsageError(`${option} gives two default handlers (${forwardTo.href} and ${url.href}); give one, and route event types with ${option} "<glob>=<url>"`, 'HSW_BAD_VALUE');
      forwardTo = url;
      continue;
    }
    const pattern = (rule[1] ?? '').trim();
    if (pattern === '') throw new UsageError(`${option} "${value}" has no event type before "="; e.g. ${option} "video.ready=http://localhost:4000/hooks"`, 'HSW_BAD_VALUE');
    routes.push({ pattern, to: parseHandlerUrl(`${option} rule ${pattern}`, rule[2] ?? '') });
  }
  return { ...(forwardTo ? { forwardTo } : {}), routes };
}

/** Which route took a webhook: a rule's pattern, `default`, or `none`; and where it goes. */
export type Route = { name: string; to?: URL };

/**
 * Where a webhook of a type goes: the first rule that matches, else the default; `none`
 * when neither (recorded, answered 200). Null when nothing is forwarded at all. listen
 * forwards by it, and the inspector replays by it.
 */
export function router(forwardTo: URL | undefined, routes: readonly ListenRoute[]): (type: string | null) => Route | null {
  const rules = routes.map((route) => ({ ...route, matches: eventMatcher(route.pattern) }));
  return (type) => {
    const rule = rules.find((route) => route.matches(type));
    if (rule) return { name: rule.pattern, to: rule.to };
    if (forwardTo) return { name: 'default', to: forwardTo };
    return rules.length > 0 ? { name: 'none' } : null;
  };
}

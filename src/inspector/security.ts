/**
 * Who may talk to the inspector. It listens on loopback only, but a web page the developer
 * visits can still aim requests at 127.0.0.1: a DNS-rebinding page arrives with its own host
 * name in `Host`, and a cross-site form or fetch carries its own `Origin`. So every request
 * must name the inspector by a loopback name, and a request that sends anything (replay)
 * must also come from the inspector's own page: same `Origin`, and the session token that
 * only that page was given.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_HEADER = 'x-hsw-token';

export function newSessionToken(): string {
  return randomBytes(24).toString('base64url');
}

/** The `Host` values the inspector answers to when it listens on 127.0.0.1:`port`. */
export function loopbackHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

export function hostAllowed(host: string | undefined, allowed: ReadonlySet<string>): boolean {
  return host !== undefined && allowed.has(host.toLowerCase());
}

export interface StateChangeRequest {
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  token: string | undefined;
}

/** Why a state-changing request is refused, or null when it may go ahead. */
export function stateChangeRefusal(request: StateChangeRequest, allowed: ReadonlySet<string>, sessionToken: string): string | null {
  if (!hostAllowed(request.host, allowed)) return 'unknown Host';
  // A browser always sends Origin on a POST; a request without one did not come from our page.
  if (request.origin === undefined || request.origin.toLowerCase() !== `http://${(request.host as string).toLowerCase()}`) return 'cross-origin request';
  if (request.secFetchSite !== undefined && request.secFetchSite !== 'same-origin') return 'cross-site request';
  if (request.token === undefined || !sameSecret(request.token, sessionToken)) return 'missing or wrong session token';
  return null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

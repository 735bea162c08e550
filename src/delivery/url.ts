import { UsageError } from '../errors.js';

/**
 * Parses a handler URL given on the command line. The commonest slip, `localhost:3000`,
 * parses as a URL with the scheme `localhost:`, so it gets a targeted hint.
 */
export function parseHandlerUrl(flag: string, value: string): URL {
  const hint = (): string => {
    if (/^[\w.-]+:\d+(\/|$)/.test(value) || /^\/?[\w.-]+(\/|$)/.test(value)) return `; did you mean http://${value.replace(/^\/+/, '')} ?`;
    if (/^\d+$/.test(value)) return `; did you mean http://127.0.0.1:${value} ?`;
    return '; give a full http:// or https:// URL';
  };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flag} "${value}" is not a URL${hint()}`, 'HSW_BAD_URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flag} "${value}" is not an http(s) URL${hint()}`, 'HSW_BAD_URL');
  }
  return url;
}

/** The handler URL with a received query string appended to its own, as a relay passes it on. */
export function withQuery(base: URL, query: string): URL {
  const url = new URL(base);
  if (query) url.search = url.search ? `${url.search}&${query}` : `?${query}`;
  return url;
}

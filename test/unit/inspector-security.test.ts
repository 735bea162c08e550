import { describe, expect, it } from 'vitest';
import { hostAllowed, loopbackHosts, stateChangeRefusal } from '../../src/inspector/security.js';

const allowed = loopbackHosts(4321);
const token = 'session-token';
const good = { host: '127.0.0.1:4321', origin: 'http://127.0.0.1:4321', secFetchSite: 'same-origin', token };

describe('inspector request checks', () => {
  it.each([
    ['127.0.0.1:4321', true],
    ['localhost:4321', true],
    ['LOCALHOST:4321', true],
    ['127.0.0.1:4322', false],
    ['evil.example:4321', false],
    ['127.0.0.1', false],
    [undefined, false],
  ])('Host %j allowed: %s', (host, ok) => {
    expect(hostAllowed(host, allowed)).toBe(ok);
  });

  it('lets the page replay', () => {
    expect(stateChangeRefusal(good, allowed, token)).toBeNull();
    expect(stateChangeRefusal({ ...good, host: 'localhost:4321', origin: 'http://localhost:4321', secFetchSite: undefined }, allowed, token)).toBeNull();
  });

  it.each([
    [{ host: 'rebound.example:4321', origin: 'http://rebound.example:4321' }, 'unknown Host'],
    [{ origin: 'http://evil.example' }, 'cross-origin request'],
    [{ origin: undefined }, 'cross-origin request'],
    [{ origin: 'http://localhost:4321' }, 'cross-origin request'],
    [{ secFetchSite: 'cross-site' }, 'cross-site request'],
    [{ token: undefined }, 'missing or wrong session token'],
    [{ token: 'session-tokem' }, 'missing or wrong session token'],
  ])('refuses %j', (change, reason) => {
    expect(stateChangeRefusal({ ...good, ...change }, allowed, token)).toBe(reason);
  });
});

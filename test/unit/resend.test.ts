import { describe, expect, it } from 'vitest';
import { resendRequest } from '../../src/delivery/resend.js';

describe('resendRequest', () => {
  const recorded = {
    method: 'PUT',
    query: 'attempt=2',
    headers: { 'content-type': 'application/json', host: 'tunnel.example', connection: 'keep-alive, x-hop', 'x-hop': 'a', 'x-heapstream-signature': 'sig', 'content-length': '12' },
  };

  it('keeps the method, adds the recorded query to the target, passes on all but the hop-by-hop headers, and puts extra headers on top', () => {
    const to = new URL('http://127.0.0.1:3000/hooks?source=local');
    const resent = resendRequest(recorded, to, { authorization: 'Bearer dev', 'x-heapstream-signature': 'replaced' });
    expect(resent.method).toBe('PUT');
    expect(resent.url.href).toBe('http://127.0.0.1:3000/hooks?source=local&attempt=2');
    expect(resent.headers).toEqual({ 'content-type': 'application/json', 'x-heapstream-signature': 'replaced', authorization: 'Bearer dev' });
    expect(to.href).toBe('http://127.0.0.1:3000/hooks?source=local');
  });

  it('sends to the target URL object itself when nothing was recorded in the query', () => {
    const to = new URL('http://127.0.0.1:3000/hooks');
    expect(resendRequest({ ...recorded, query: '' }, to).url).toBe(to);
  });

  it('without a target: the method (POST when none was recorded) and headers alone', () => {
    const resent = resendRequest({ ...recorded, method: '' });
    expect(resent).toEqual({ method: 'POST', headers: { 'content-type': 'application/json', 'x-heapstream-signature': 'sig' } });
    expect('url' in resent).toBe(false);
  });
});

/**
 * Two connected in-memory sockets: what one side writes, the other reads, with
 * backpressure (a write completes once the peer has read it). An in-process Node listener's
 * http.Server gets one end as a connection, Node's HTTP client the other, so a request goes
 * through both real HTTP/1.1 parsers without a port. (Node 22 has `stream.duplexPair()`;
 * Node 20 does not.)
 */
import { Duplex } from 'node:stream';

class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;
  private pendingWrite: (() => void) | undefined;
  // What an http.Server and Express read from a connection (`req.ip`, logging).
  readonly remoteAddress = '127.0.0.1';
  readonly remoteFamily = 'IPv4';
  readonly remotePort = 0;
  readonly localAddress = '127.0.0.1';
  readonly localPort = 0;
  readonly encrypted = false;

  // No kernel socket behind it: timeouts, Nagle and refs have nothing to act on.
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  override _read(): void {
    const peer = this.peer;
    const callback = peer?.pendingWrite;
    if (peer && callback) {
      peer.pendingWrite = undefined;
      callback();
    }
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (chunk.length === 0) {
      process.nextTick(callback);
      return;
    }
    this.pendingWrite = callback;
    this.peer?.push(chunk);
  }

  override _final(callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    if (!peer || peer.destroyed) return callback();
    peer.once('end', () => callback());
    peer.push(null);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Closing one end closes the other, carrying the reason (a handler that threw).
    if (this.peer && !this.peer.destroyed) this.peer.destroy(error ?? undefined);
    const pending = this.pendingWrite;
    this.pendingWrite = undefined;
    pending?.();
    callback(error);
  }
}

export function socketPair(): [MemorySocket, MemorySocket] {
  const a = new MemorySocket();
  const b = new MemorySocket();
  a.peer = b;
  b.peer = a;
  return [a, b];
}

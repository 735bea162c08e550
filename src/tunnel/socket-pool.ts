/**
 * The sockets that carry a localtunnel tunnel's traffic: the client keeps `size` connections
 * open to the tunnel server's port for this client, and the server writes each public request
 * into one of them.
 *
 * localtunnel's own client connects each of those sockets to the local server at once, so a
 * socket that waits minutes for a request sits on the local server as a connection that sent
 * nothing: Node's headers timeout fires on it and the 408 it writes waits in the tunnel until
 * the next public request reads it. Here the local connection is made when a request's first
 * byte arrives, so every deadline on the local side starts with the request. The bytes pass
 * through untouched (localtunnel's Host rewrite turns each chunk into a string and back,
 * which mangles a body that is not UTF-8).
 */
import { connect, type Socket } from 'node:net';

export interface SocketPoolOptions {
  /** The tunnel server's host and the port it opened for this client. */
  remoteHost: string;
  remotePort: number;
  /** Where requests go: the receiver's tunnel port on loopback. */
  localPort: number;
  /** How many sockets to keep open (the server's `max_conn_count`). */
  size: number;
  /** Delay before replacing a socket that closed without carrying a request: first and most. */
  reconnectMs?: { first: number; max: number };
  /** The tunnel server's port can no longer be reached: no socket is connected, and a new one was refused. */
  onBroken(reason: string): void;
}

/** A socket that stayed connected this long was not refused: its closing is no failure. */
const STEADY_MS = 1_000;

export class SocketPool {
  private readonly remotes = new Set<Socket>();
  /** Remote sockets carrying a request to the receiver, each paired with a local connection. */
  private readonly bridged = new Set<Socket>();
  private connected = 0;
  private closed = false;
  private failures = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private firstOpen: { resolve(): void; reject(error: Error): void } | undefined;

  constructor(private readonly options: SocketPoolOptions) {}

  /** Opens the sockets; resolves when the first one is connected. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstOpen = { resolve, reject };
      for (let i = 0; i < this.options.size; i++) this.openRemote();
    });
  }

  /** Sockets connected to the tunnel server right now. */
  get size(): number {
    return this.connected;
  }

  /**
   * Takes no more requests: idle sockets are closed and none is replaced. A request already
   * on its way to the receiver keeps its pair, so its answer still goes back; the pair ends
   * when the receiver closes the connection (Ctrl-C lets in-flight deliveries finish).
   */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const socket of this.remotes) if (!this.bridged.has(socket)) socket.destroy();
  }

  private openRemote(): void {
    if (this.closed) return;
    const remote = connect({ host: this.options.remoteHost, port: this.options.remotePort });
    this.remotes.add(remote);
    let wasConnected = false;
    let connectedAt = 0;
    let carried = false;
    remote.setNoDelay(true);
    remote.once('connect', () => {
      wasConnected = true;
      connectedAt = Date.now();
      this.connected++;
      // Keepalive probes find a connection a NAT or the server dropped without a word.
      remote.setKeepAlive(true, 30_000);
      this.firstOpen?.resolve();
      this.firstOpen = undefined;
    });
    remote.once('data', (first: Buffer) => {
      carried = true;
      this.failures = 0;
      remote.pause();
      this.bridge(remote, first);
    });
    remote.on('error', () => {
      // 'close' follows and decides what happens next.
    });
    remote.once('close', () => {
      this.remotes.delete(remote);
      if (wasConnected) this.connected--;
      if (this.closed) return;
      if (!wasConnected) {
        this.failures++;
        if (this.connected === 0) {
          const reason = `the tunnel server's port ${this.options.remoteHost}:${this.options.remotePort} refused the connection`;
          this.firstOpen?.reject(new Error(reason));
          this.firstOpen = undefined;
          this.options.onBroken(reason);
          return;
        }
      } else if (!carried && Date.now() - connectedAt < STEADY_MS) {
        // Closed at once, before carrying anything: the server holds enough already, or refuses.
        this.failures++;
      } else {
        // It served, or stayed a while (something on the way closes idle connections): replace it now.
        this.failures = 0;
      }
      this.later(() => this.openRemote(), this.delay());
    });
  }

  /** Connects one remote socket that has a request on it to the local server. */
  private bridge(remote: Socket, first: Buffer): void {
    const local = connect({ host: '127.0.0.1', port: this.options.localPort });
    this.bridged.add(remote);
    local.setNoDelay(true);
    local.once('connect', () => {
      local.write(first);
      remote.pipe(local);
      local.pipe(remote);
      remote.resume();
    });
    // Either side closing ends the pair: HTTP framing is theirs, the pool only carries bytes.
    const end = (): void => {
      remote.destroy();
      local.destroy();
    };
    local.once('close', end);
    remote.once('close', () => {
      this.bridged.delete(remote);
      end();
    });
    local.on('error', () => {
      // A local server that is gone: 'close' ends the pair; the sender sees its connection end.
    });
  }

  private delay(): number {
    const { first, max } = this.options.reconnectMs ?? { first: 100, max: 5_000 };
    return this.failures === 0 ? 0 : Math.min(max, first * 2 ** (this.failures - 1));
  }

  private later(work: () => void, ms: number): void {
    if (ms === 0) {
      work();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      work();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }
}

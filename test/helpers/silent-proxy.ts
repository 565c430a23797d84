// A loopback TCP proxy that can go silent: it stops forwarding in both directions without closing
// anything, which is what a network partition, a frozen writer or a failover in progress looks like
// to a client (and to the server). Bytes sent meanwhile are held and delivered in order when it
// resumes, as TCP would after a partition heals; a close on either side is held too.
import { createServer, connect, type Server, type Socket } from 'node:net';

/** One forwarded connection: client side, server side, and what waits while silent. */
interface Pair {
  client: Socket;
  upstream: Socket;
  held: { to: Socket; data: Buffer | null }[];
}

/** The proxy; `port` is where clients connect. */
export class SilentProxy {
  private silent = false;
  private readonly pairs = new Set<Pair>();

  private constructor(
    private readonly server: Server,
    /** The loopback port clients connect to. */
    readonly port: number,
  ) {}

  /** Starts forwarding 127.0.0.1:<port> to `host:port`. */
  static start(host: string, port: number): Promise<SilentProxy> {
    return new Promise((resolve, reject) => {
      let proxy: SilentProxy;
      const server = createServer((client) => proxy.accept(client, host, port));
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const addr = server.address();
        proxy = new SilentProxy(server, typeof addr === 'object' && addr ? addr.port : 0);
        resolve(proxy);
      });
    });
  }

  /** How many client connections are open through the proxy. */
  get connections(): number {
    return this.pairs.size;
  }

  /** Stops forwarding: nothing passes, nothing closes. */
  silence(): void {
    this.silent = true;
  }

  /** Forwards again, first what was held, in order. */
  resume(): void {
    this.silent = false;
    for (const pair of this.pairs) {
      for (const h of pair.held.splice(0)) this.deliver(pair, h.to, h.data);
    }
  }

  /** Drops every connection and stops listening. */
  close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** `url` with its host and port replaced by the proxy's. */
  url(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  private accept(client: Socket, host: string, port: number): void {
    const upstream = connect(port, host);
    const pair: Pair = { client, upstream, held: [] };
    this.pairs.add(pair);
    const forward = (to: Socket) => (data: Buffer | null) => {
      if (this.silent) pair.held.push({ to, data });
      else this.deliver(pair, to, data);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    client.on('end', () => forward(upstream)(null));
    upstream.on('end', () => forward(client)(null));
    // A reset on one side reaches the other only while the proxy forwards.
    client.on('error', () => forward(upstream)(null));
    upstream.on('error', () => forward(client)(null));
    client.on('close', () => {
      if (!this.silent) this.pairs.delete(pair);
    });
  }

  // `null` is a close: passed on as an end of the other side.
  private deliver(pair: Pair, to: Socket, data: Buffer | null): void {
    if (to.destroyed) return;
    if (data === null) {
      to.end();
      if (to === pair.client || pair.client.destroyed) this.pairs.delete(pair);
    } else {
      to.write(data);
    }
  }
}

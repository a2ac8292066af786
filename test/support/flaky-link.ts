import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from './free-port.js';

/** How the link behaves: passes traffic, refuses connections (nothing listens), or accepts and never answers. */
export type LinkState = 'up' | 'refusing' | 'hanging';

export interface FlakyLink {
  port: number;
  /** `http://127.0.0.1:port`, for an API root in front of an HTTP fake. */
  url: string;
  state(): LinkState;
  /** Changes the state; connections open at the time are cut, so no call already on its way gets through. */
  set(state: LinkState): Promise<void>;
  close(): Promise<void>;
}

/**
 * A TCP link between a client under test and a server (a Bot API fake, an SMTP server), on its
 * own port of 127.0.0.1, that can go down the two ways a peer goes down: refusing connections
 * (ECONNREFUSED: nothing listens on the port any more) and hanging (the connection is taken,
 * nothing is forwarded, no answer ever comes). Nothing sent while the link is down reaches the
 * server, so a test can count what arrives afterwards exactly.
 */
export async function startFlakyLink(target: { host?: string; port: number }): Promise<FlakyLink> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let current: LinkState = 'up';
  let server: Server | null = null;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
  };

  function accept(client: Socket): void {
    track(client);
    if (current === 'hanging') return; // taken, never forwarded, never answered
    const upstream = connect(target.port, target.host ?? '127.0.0.1');
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }

  async function listen(): Promise<void> {
    if (server) return;
    const next = createServer(accept);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    server = next;
  }

  async function unlisten(): Promise<void> {
    const closing = server;
    server = null;
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  }

  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };

  await listen();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    state: () => current,
    async set(state) {
      current = state;
      cutAll();
      if (state === 'refusing') await unlisten();
      else await listen();
    },
    async close() {
      cutAll();
      await unlisten();
    },
  };
}

import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP port that is free on 127.0.0.1 right now, chosen by the kernel. Another process could take it before
 * the caller binds it, but the kernel spreads such ports over the whole ephemeral range, so that is rare.
 */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  return port;
}

/** A tuple of N numbers: `Ports<2>` is `[number, number]`, so callers can destructure without checks. */
type Ports<N extends number, Acc extends number[] = []> = Acc['length'] extends N
  ? Acc
  : Ports<N, [...Acc, number]>;

/** `count` distinct free ports: all are held open together while choosing, so none is handed out twice. */
export async function freePorts<N extends number>(count: N): Promise<Ports<N>> {
  const servers = await Promise.all(Array.from({ length: count }, () => listenOnAnyPort()));
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') {
      throw new Error('Could not determine a free port');
    }
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports as Ports<N>;
}

function listenOnAnyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Whether something accepts TCP connections on host:port (gives up after timeoutMs). */
export function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (connected: boolean): void => {
      socket.destroy();
      resolve(connected);
    };
    socket.setTimeout(timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

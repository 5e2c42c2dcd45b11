/**
 * Free loopback ports for test servers.
 *
 * A port is found by binding port 0 on 127.0.0.1, reading the port the kernel chose, and releasing it. Another
 * process may take it before the caller binds it, so callers that start an external server (Mosquitto) must
 * detect the clash and retry with a fresh port (see `mosquitto.ts`).
 */
import { createServer, type Server } from 'node:net';

export const LOOPBACK = '127.0.0.1';

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ port: 0, host, exclusive: true }, () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`could not read the port bound on ${host}`));
        return;
      }
      resolve(address.port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** One free TCP port on 127.0.0.1 (bound, read back, released). */
export async function getFreePort(host: string = LOOPBACK): Promise<number> {
  const [port] = await getFreePorts(1, host);
  return port;
}

/**
 * `count` distinct free TCP ports on 127.0.0.1. All are held at once before any is released, so they differ
 * from each other.
 */
export async function getFreePorts(count: number, host: string = LOOPBACK): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(await listen(server, host));
    }
    return ports;
  } finally {
    await Promise.all(servers.map(close));
  }
}

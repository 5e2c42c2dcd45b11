/**
 * A static file server on loopback for pages the browser tests and `npm run demo:browser` load: GET only, the
 * files of a few folders (the first that has the path wins), never cached.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, normalize, resolve } from 'node:path';
import { LOOPBACK } from './ports.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export interface StaticServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the files of `roots` (the first that has the path wins) on a free loopback port. */
export async function serveFiles(...roots: string[]): Promise<StaticServer> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const relative = path === '/' ? 'index.html' : path.slice(1);
    for (const root of roots) {
      const file = resolve(root, relative);
      if (!file.startsWith(resolve(root)) || !existsSync(file)) continue;
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' }).end(readFileSync(file));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen({ host: LOOPBACK, port: 0 }, done));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${LOOPBACK}:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

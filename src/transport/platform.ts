/**
 * The transports this platform offers, by kind: in Node every one. The browser build replaces this module with
 * `platform-browser.ts` (see `scripts/build-browser.mjs`), so no Node module reaches a browser bundle.
 */
import { resolveSrv as nodeResolveSrv } from 'node:dns/promises';
import { openTcpOrProxied, openTlsTransport, openUnixTransport } from './node-streams.js';
import type { Transport, TransportKind, TransportOptions } from './transport.js';

/** Opens one kind of transport. */
export type TransportOpener = (options: TransportOptions) => Promise<Transport>;

/** An SRV record as `node:dns` returns it. */
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** What a platform provides. */
export interface Platform {
  /** For messages: `'Node.js'`, `'this browser'`. */
  readonly name: string;
  readonly transports: Readonly<Partial<Record<TransportKind, TransportOpener>>>;
  /** DNS SRV lookup, when the platform can do one. */
  readonly resolveSrv: ((name: string) => Promise<SrvRecord[]>) | undefined;
}

/**
 * The WebSocket transport and the `ws` package load on first use: `ws` pulls in Node's HTTP, HTTPS and zlib
 * stacks (about 10 MB of resident memory and 30 ms of start-up), which a TCP or TLS client never needs.
 */
const openNodeWebSocket: TransportOpener = async (options) =>
  (await import('./ws-node.js')).openNodeWebSocketTransport(options);

export const platform: Platform = {
  name: 'Node.js',
  transports: {
    tcp: openTcpOrProxied,
    tls: openTlsTransport,
    ws: openNodeWebSocket,
    wss: openNodeWebSocket,
    unix: openUnixTransport,
  },
  resolveSrv: nodeResolveSrv,
};

/**
 * The transports this platform offers, by kind: in Node every one. The browser build replaces this module with
 * `platform-browser.ts` (see `scripts/build-browser.mjs`), so no Node module reaches a browser bundle.
 */
import { openTcpTransport, openTlsTransport, openUnixTransport } from './node-streams.js';
import { Diagnostics, type ClientDiagnostics, type DiagnosticsSource } from './diagnostics-channels.js';
import { checkProxyOptions, parseProxyUrl, type ProxyOptions } from './proxy/proxy-config.js';
import { resolveSrv, type SrvTarget } from './srv.js';
import type { Transport, TransportKind, TransportOptions } from './types.js';

/** Opens one kind of transport. */
export type TransportOpener = (options: TransportOptions) => Promise<Transport>;

/** What a platform provides. */
export interface Platform {
  /** For messages: `'Node.js'`, `'this browser'`. */
  readonly name: string;
  readonly transports: Readonly<Partial<Record<TransportKind, TransportOpener>>>;
  /** The brokers of a domain, by DNS SRV (`connectSrv`), in the order to try, when the platform can look up. */
  readonly srvBrokers: ((domain: string, secure: boolean) => Promise<SrvTarget[]>) | undefined;
  /** Checks `proxySet()` options or parses a proxy URL, when the platform can use a proxy of its own. */
  readonly proxy:
    { check(options: ProxyOptions): ProxyOptions; parseUrl(url: string): ProxyOptions } | undefined;
  /** A client's `node:diagnostics_channel` publisher, where the runtime has the module (not in browsers). */
  readonly diagnostics: ((source: DiagnosticsSource) => ClientDiagnostics) | undefined;
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
    tcp: openTcpTransport,
    tls: openTlsTransport,
    ws: openNodeWebSocket,
    wss: openNodeWebSocket,
    unix: openUnixTransport,
  },
  // node:dns/promises is imported on the first SRV lookup, not with the library (start-up cost of every client).
  srvBrokers: async (domain, secure) =>
    resolveSrv(domain, secure, (await import('node:dns/promises')).resolveSrv),
  proxy: { check: checkProxyOptions, parseUrl: parseProxyUrl },
  // Bun and Deno have node:diagnostics_channel too; Node loads it at start-up anyway.
  diagnostics: (source) => new Diagnostics(source),
};

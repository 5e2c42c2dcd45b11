/**
 * `openTransport()`, which opens a transport of the kind asked for with the platform's implementation
 * (`platform.ts`: in Node every kind, in a browser WebSocket only). The interface every transport implements
 * is in `types.ts`, re-exported here for the client.
 */
import { InvalidArgumentError } from '../errors.js';
import { platform } from './platform.js';
import type { Transport, TransportOptions } from './types.js';

export type { Transport, TransportHandlers, TransportKind, TransportOptions } from './types.js';
export { TRANSPORT_KINDS } from './types.js';

/**
 * Opens a transport. Resolves once the stream is open; rejects with a `ConnectionError` (refused, unreachable,
 * DNS failure), a `ConnectTimeoutError` (not open within `connectTimeoutMs`), a `TlsError` (certificate or
 * handshake failure, with its `reason`), a `ProxyError` or a `WebSocketError` (upgrade refused).
 */
export function openTransport(options: TransportOptions): Promise<Transport> {
  const available = Object.keys(platform.transports).join('", "');
  switch (options.kind) {
    case 'tcp':
    case 'tls':
    case 'ws':
    case 'wss':
    case 'unix': {
      const open = platform.transports[options.kind];
      if (open !== undefined) return open(options);
      return Promise.reject(
        new InvalidArgumentError(
          `transport "${options.kind}" is not available in ${platform.name}: the transports available are "${available}"`,
        ),
      );
    }
    default:
      return Promise.reject(
        new InvalidArgumentError(
          `unknown transport ${String(options.kind)}: the transports available are "${available}"`,
        ),
      );
  }
}

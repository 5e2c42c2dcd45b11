/**
 * The Node openers for the socket transports: TCP and TLS (directly or through a proxy) and Unix domain sockets.
 * Each opens its socket with `connect-socket.ts` (the one TCP opener) or a proxy tunnel, under one
 * `connectTimeoutMs` deadline, and wraps it in a `SocketTransport`.
 */
import type { NetConnectOpts, Socket } from 'node:net';
import { connectSocket, withConnectTimeout } from './connect-socket.js';
import { ConnectionError } from './errors.js';
import { openTunnel } from './proxy/tunnel.js';
import { selectProxy, type ProxyOptions } from './proxy/proxy-config.js';
import { SocketTransport } from './socket-transport.js';
import { hasClientCertificate, startTls } from './tls.js';
import { toTlsError } from './tls-errors.js';
import type { Transport, TransportOptions } from './types.js';

function proxyFor(options: TransportOptions, kind: 'tcp' | 'tls'): ProxyOptions | undefined {
  return selectProxy(
    options.proxy,
    { kind, host: options.host, port: options.port },
    options.env ?? process.env,
  );
}

function plainError(label: string): (error: Error) => ConnectionError {
  return (error) => new ConnectionError(`connection to ${label} failed: ${error.message}`, { cause: error });
}

function destroyTransport(transport: Transport): void {
  transport.destroy();
}

/**
 * A direct TCP connection, with Nagle's algorithm off (MQTT packets are small and latency matters) and the
 * local address and port when set (Paho's `bind_address`, `bind_port`).
 */
function tcpConnectOptions(options: TransportOptions): NetConnectOpts {
  return {
    host: options.host,
    port: options.port,
    noDelay: true,
    localAddress:
      options.bindAddress !== undefined && options.bindAddress !== '' ? options.bindAddress : undefined,
    localPort: options.bindPort !== undefined && options.bindPort !== 0 ? options.bindPort : undefined,
  };
}

/** TCP: directly, or through a tunnel when a proxy applies. */
export function openTcpTransport(options: TransportOptions): Promise<Transport> {
  let proxy: ProxyOptions | undefined;
  try {
    proxy = proxyFor(options, 'tcp');
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  const { host, port } = options;
  const label = `${host}:${port}`;
  const via = proxy;
  return withConnectTimeout(
    host,
    port,
    options.connectTimeoutMs,
    async (signal) => {
      if (via === undefined) {
        const socket = await connectSocket(tcpConnectOptions(options), label, signal);
        return new SocketTransport('tcp', socket, options.handlers, plainError(label));
      }
      const socket = await openTunnel(via, host, port, signal);
      const transport = new SocketTransport('tcp', socket, options.handlers, plainError(label));
      socket.resume(); // the tunnel paused it so that nothing arrived before the transport listened
      return transport;
    },
    destroyTransport,
  );
}

/** TLS, directly or through a proxy; failures are `TlsError`s saying why. */
export function openTlsTransport(options: TransportOptions): Promise<Transport> {
  const { host, port } = options;
  const label = `${host}:${port}`;
  return withConnectTimeout(
    host,
    port,
    options.connectTimeoutMs,
    async (signal) => {
      const proxy = proxyFor(options, 'tls');
      let tunnel: Socket | undefined;
      if (proxy !== undefined) tunnel = await openTunnel(proxy, host, port, signal);
      const socket = await startTls(options.tls, host, port, tunnel, signal);
      const hasCert = hasClientCertificate(options.tls);
      return new SocketTransport('tls', socket, options.handlers, (error) =>
        // After the handshake, a TLS 1.3 broker still refuses a missing client certificate with an alert.
        toTlsError(error, { label, handshakeDone: true, hasClientCertificate: hasCert }),
      );
    },
    destroyTransport,
  );
}

/** A Unix domain socket; `options.host` is its path. */
export function openUnixTransport(options: TransportOptions): Promise<Transport> {
  const path = options.host;
  return withConnectTimeout(
    path,
    0,
    options.connectTimeoutMs,
    async (signal) => {
      const socket = await connectSocket({ path }, `unix:${path}`, signal);
      return new SocketTransport('unix', socket, options.handlers, plainError(`unix:${path}`));
    },
    destroyTransport,
  );
}

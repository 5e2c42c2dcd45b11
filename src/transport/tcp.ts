/**
 * MQTT over plain TCP (`node:net`), with Nagle's algorithm off: MQTT packets are small and latency matters.
 */
import { connect as netConnect } from 'node:net';
import { ConnectionError, ConnectTimeoutError } from './errors.js';
import { SocketTransport } from './socket-transport.js';
import type { Transport, TransportOptions } from './transport.js';

/** Opens a TCP connection; see `openTransport()`. */
export function openTcpTransport(options: TransportOptions): Promise<Transport> {
  const { host, port, connectTimeoutMs } = options;
  const label = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = netConnect({
      host,
      port,
      noDelay: true,
      localAddress:
        options.bindAddress !== undefined && options.bindAddress !== '' ? options.bindAddress : undefined,
      localPort: options.bindPort !== undefined && options.bindPort !== 0 ? options.bindPort : undefined,
    });
    const timer =
      connectTimeoutMs > 0
        ? setTimeout(() => fail(new ConnectTimeoutError(host, port, connectTimeoutMs)), connectTimeoutMs)
        : undefined;

    function fail(error: ConnectionError): void {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined); // a late error on the dying socket must not crash the process
      socket.destroy();
      reject(error);
    }

    socket.once('error', (err: Error) => {
      fail(new ConnectionError(`could not connect to ${label}: ${err.message}`, { cause: err }));
    });
    socket.once('close', () => fail(new ConnectionError(`connection to ${label} closed while opening`)));
    socket.once('connect', () => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.removeAllListeners();
      resolve(
        new SocketTransport(
          'tcp',
          socket,
          options.handlers,
          (err) => new ConnectionError(`connection to ${label} failed: ${err.message}`, { cause: err }),
        ),
      );
    });
  });
}

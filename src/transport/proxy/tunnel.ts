/**
 * Opens a tunnel to the broker through a proxy: connects to the proxy, then runs the SOCKS5 or HTTP CONNECT
 * handshake. The returned socket carries the broker's bytes (TLS and WebSocket run on top of it).
 */
import type { Socket } from 'node:net';
import { connectSocket, type OpeningSignal } from '../connect-socket.js';
import { describeProxy, type ProxyOptions } from './proxy-config.js';
import { httpConnect } from './http-connect.js';
import { socks5Connect } from './socks5.js';

/** Connects through `proxy` to `host:port`; rejects with a `ConnectionError` or `ProxyError`. */
export async function openTunnel(
  proxy: ProxyOptions,
  host: string,
  port: number,
  signal?: OpeningSignal,
): Promise<Socket> {
  const socket = await connectSocket(
    { host: proxy.host, port: proxy.port, noDelay: true },
    `the proxy ${describeProxy(proxy)}`,
    signal,
  );
  try {
    return proxy.type === 'socks5'
      ? await socks5Connect(socket, proxy, host, port, signal)
      : await httpConnect(socket, proxy, host, port, signal);
  } catch (err) {
    socket.on('error', () => undefined);
    socket.destroy();
    throw err;
  }
}

/**
 * WebSocket settings (Paho's `ws_set_options(path, headers)`) and the URL they make. Pure: shared by the Node
 * (`ws` package) and the browser (global `WebSocket`) transports.
 */

/** HTTP headers of the WebSocket upgrade request. */
export type WebSocketHeaders = Readonly<Record<string, string>>;

/**
 * Extra upgrade headers: an object, or a function of the default headers returning the headers to send. The
 * function runs on every connection attempt (reconnects included), so it can sign a URL or refresh a token.
 */
export type WebSocketHeadersOption =
  WebSocketHeaders | ((defaults: WebSocketHeaders) => WebSocketHeaders | undefined);

export interface WebSocketOptions {
  /** The request path, with any query string; default `/mqtt`. */
  path?: string;
  /** Extra headers (Node only: browsers do not let a page set WebSocket headers). */
  headers?: WebSocketHeadersOption;
}

/** The sub-protocol MQTT over WebSocket uses [MQTT-6.0.0-3]. */
export const MQTT_SUBPROTOCOL = 'mqtt';

/** The default path. */
export const DEFAULT_WS_PATH = '/mqtt';

/** `ws://host:port/path` (or `wss://`); IPv6 hosts are bracketed. */
export function webSocketUrl(secure: boolean, host: string, port: number, path: string | undefined): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  let p = path ?? DEFAULT_WS_PATH;
  if (!p.startsWith('/')) p = `/${p}`;
  return `${secure ? 'wss' : 'ws'}://${h}:${port}${p}`;
}

/** The headers given to a headers function: `Host`. */
export function defaultWebSocketHeaders(host: string, port: number): WebSocketHeaders {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return { Host: `${h}:${port}` };
}

/** Evaluates the headers option for one connection attempt. */
export function resolveWebSocketHeaders(
  option: WebSocketHeadersOption | undefined,
  host: string,
  port: number,
): WebSocketHeaders {
  if (option === undefined) return {};
  if (typeof option === 'function') {
    return option(defaultWebSocketHeaders(host, port)) ?? {};
  }
  return option;
}

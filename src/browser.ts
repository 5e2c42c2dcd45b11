/**
 * steady-mqtt for browsers: the same `Client` and API objects as the main entry point, over WebSocket only
 * (the global `WebSocket`; `transport: 'websockets'`, `ws://` / `wss://` URLs). Built into one ES module,
 * `dist/browser/steady-mqtt.js`, by `npm run build:browser`, which puts the browser's transports in place of
 * Node's: nothing from Node is in the bundle, and the SQLite store is not either.
 *
 * ```ts
 * import { Client, CallbackAPIVersion } from './steady-mqtt.js';
 * const client = new Client(CallbackAPIVersion.VERSION2, { transport: 'websockets' });
 * client.onConnect = (c) => c.subscribe('demo/#');
 * client.onMessage = (_c, _u, msg) => console.log(msg.topic, msg.payloadString());
 * client.connect('broker.example', 443);
 * client.loopStart();
 * ```
 */
export * from './index.js';
export {
  TlsError,
  ProxyError,
  WebSocketError,
  type TlsFailureReason,
} from './transport/errors.js';
export { parseBrokerUrl, isBrokerUrl, type BrokerUrl } from './transport/url.js';
export { BrokerList, type BrokerSpec } from './transport/brokers.js';
export type { WebSocketOptions, WebSocketHeadersOption } from './transport/websocket-options.js';

/**
 * steady-mqtt for browsers: the `Client` and the API objects of the main entry point, over WebSocket only (the
 * global `WebSocket`; `transport: 'websockets'`, or `ws://` / `wss://` URLs). Built into one ES module,
 * `dist/browser/steady-mqtt.js`, by `npm run build:browser`, which puts the browser's transports in place of
 * Node's: nothing from Node is in the bundle, and the SQLite store is not either.
 *
 * It is the public API shared with the Node entry point (`public-api.ts`), without the simplified helpers
 * (`publish`, `subscribe`), which keeps the bundle within its size budget (under 40 KB gzipped,
 * `docs/benchmarks.md`).
 *
 * ```ts
 * import { Client, CallbackAPIVersion } from './steady-mqtt.js';
 * const client = new Client(CallbackAPIVersion.VERSION2, { transport: 'websockets' });
 * client.onConnect = (c) => c.subscribe('demo/#');
 * client.onMessage = (_c, _u, msg) => console.log(msg.topic, msg.payloadString());
 * client.loopStart();
 * client.connect('wss://broker.example/mqtt');
 * ```
 */
export * from './public-api.js';

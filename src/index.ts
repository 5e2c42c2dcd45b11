/**
 * steady-mqtt: an MQTT 3.1 / 3.1.1 / 5.0 client with the API of Paho's Python client (2.x, callback API
 * VERSION2) in camelCase, durable sessions and no lost QoS 1/2 message.
 *
 * ```ts
 * import { Client, CallbackAPIVersion } from 'steady-mqtt';
 * const client = new Client(CallbackAPIVersion.VERSION2);
 * client.onConnect = (c) => c.subscribe('$SYS/#');
 * client.onMessage = (_c, _u, msg) => console.log(msg.topic, msg.payloadString());
 * client.connect('localhost', 1883, 60);
 * await client.loopForever();
 * ```
 */
export * from './public-api.js';

// The simplified helpers, as Paho's modules: `publish.single()`, `publish.multiple()`, `subscribe.simple()`,
// `subscribe.callback()`.
export * as publish from './simple/publish.js';
export * as subscribe from './simple/subscribe.js';
export { ConnectionLostError, SubscribeRefusedError } from './simple/errors.js';
// The `node:diagnostics_channel` names (Node, Bun, Deno: docs/observability.md).
export { diagnosticsChannels } from './transport/diagnostics-channels.js';

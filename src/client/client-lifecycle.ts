/**
 * What the `Client`'s connection methods do: `connect` and its variants, `reconnect`, `disconnect`. The
 * arguments are recorded in the `ClientConfig`; the `Connection` decides what an attempt or a disconnect means
 * in its state; the `Dispatcher` holds or releases the messages and iterators.
 */
import { InvalidArgumentError } from '../errors.js';
import { PacketType, type Properties as PacketProperties } from '../packet/types.js';
import type { BrokerSpec } from '../transport/brokers.js';
import { ConnectionError } from '../transport/errors.js';
import { platform } from '../transport/platform.js';
import { MQTTErrorCode } from '../session/error-code.js';
import { noop } from './async.js';
import type { CleanStartOption } from './client-config.js';
import { reasonCodeValue } from './client-commands.js';
import type { ClientCore } from './client-core.js';
import type { ConnectResult } from './dispatcher.js';
import { bounded, checkWaitOptions, rejected, type WaitOptions } from './cancellation.js';
import { ClientStateError } from './errors.js';
import { toPacketProperties, type Properties } from './properties.js';
import type { ReasonCode } from './reason-code.js';
import type { ConnectHost } from './transport-config.js';

/**
 * `connect()`'s parameters: the host (a name, a URL or a broker list), the port (default 1883), the keepalive
 * (60 s), the local bind address and port ('' and 0: the system chooses), and on MQTT 5 clean start and CONNECT properties.
 */
export type ConnectParameters = [
  host: ConnectHost,
  port?: number,
  keepalive?: number,
  bindAddress?: string,
  bindPort?: number,
  cleanStart?: CleanStartOption,
  properties?: Properties | PacketProperties,
];

/** `connectAndWait()`'s: `connect()`'s, then `{ signal, timeoutMs }` for the wait for the CONNACK. */
export type ConnectAndWaitParameters = [...ConnectParameters, wait?: WaitOptions];

/** `connectSrv()`'s: `connect()`'s with a domain instead of the host and port. */
export type ConnectSrvParameters = [
  domain: string,
  keepalive?: number,
  bindAddress?: string,
  bindPort?: number,
  cleanStart?: CleanStartOption,
  properties?: Properties | PacketProperties,
];

function configure<C, U>(core: ClientCore<C, U>, parameters: ConnectParameters): void {
  const [host, port = 1883, keepalive = 60, bindAddress = '', bindPort = 0, cleanStart, properties] =
    parameters;
  core.config.configureConnect(host, port, keepalive, bindAddress, bindPort, cleanStart, properties);
}

export function connect<C, U>(core: ClientCore<C, U>, parameters: ConnectParameters): Promise<MQTTErrorCode> {
  configure(core, parameters);
  return reconnect(core);
}

/** Records the settings; a running background loop (or `reconnect()`) connects. */
export function connectAsync<C, U>(core: ClientCore<C, U>, parameters: ConnectParameters): void {
  configure(core, parameters);
  core.dispatcher.holdMessages = false;
  core.connection.want();
}

/** Looks up `_mqtt._tcp.<domain>` (`_secure-mqtt._tcp` with TLS), then connects to the brokers found. */
export async function connectSrv<C, U>(
  core: ClientCore<C, U>,
  [domain, ...rest]: ConnectSrvParameters,
): Promise<MQTTErrorCode> {
  const brokers = await lookUpBrokers(domain, core.config.net.tlsEnabled);
  return connect(core, [brokers, 1883, ...rest]);
}

/** Not awaiting the attempt is fine: a failure is also logged, and reported by `loopForever()`. */
export function reconnect<C, U>(core: ClientCore<C, U>): Promise<MQTTErrorCode> {
  core.connection.prepareSession();
  core.dispatcher.holdMessages = false;
  const attempt = core.connection.reconnect();
  attempt.catch(noop);
  return attempt;
}

/**
 * `connect()`, resolving with `onConnect`'s arguments on a successful CONNACK; needs a running background loop.
 * `wait` bounds the wait for the CONNACK (an abort or a timeout stops the waiting, not the connection attempt).
 */
export async function connectAndWait<C, U>(
  core: ClientCore<C, U>,
  [host, port, keepalive, bindAddress, bindPort, cleanStart, properties, wait]: ConnectAndWaitParameters,
): Promise<ConnectResult> {
  const mode = core.connection.mode;
  if (mode !== 'background' && mode !== 'forever') {
    throw new ClientStateError('connectAndWait() needs a running loop: call loopStart() first');
  }
  const options = checkWaitOptions(wait, 'connectAndWait()');
  const sent = connect(core, [host, port, keepalive, bindAddress, bindPort, cleanStart, properties]);
  // After connect(), which may throw on its arguments: its CONNACK cannot arrive before this line.
  const connack = core.dispatcher.nextConnack(options);
  // An abort or a timeout while the transport is still opening ends the wait at once.
  return Promise.race([sent.then(() => connack), connack]);
}

export function disconnect<C, U>(
  core: ClientCore<C, U>,
  reasonCode: number | ReasonCode,
  properties: Properties | PacketProperties | undefined,
): MQTTErrorCode {
  const code = reasonCodeValue(reasonCode);
  const packetProperties = toPacketProperties(properties, PacketType.DISCONNECT, core.config.protocol);
  core.dispatcher.endIterators();
  core.dispatcher.holdMessages = true;
  const action = core.connection.unwant();
  if (action === 'send') {
    core.driver.run((session, now) => session.disconnect(code, packetProperties, now));
    return MQTTErrorCode.MQTT_ERR_SUCCESS;
  }
  // While opening, DISCONNECT goes out as soon as the transport is open.
  return action === 'opening' ? MQTTErrorCode.MQTT_ERR_SUCCESS : MQTTErrorCode.MQTT_ERR_NO_CONN;
}

/** `disconnect()`, resolving once the connection is closed; `wait` bounds the wait (not the disconnect). */
export function disconnectAndWait<C, U>(
  core: ClientCore<C, U>,
  reasonCode: number | ReasonCode,
  properties: Properties | PacketProperties | undefined,
  wait: WaitOptions | undefined,
): Promise<void> {
  try {
    const options = checkWaitOptions(wait, 'disconnectAndWait()');
    const opening = core.connection.opening;
    disconnect(core, reasonCode, properties);
    const closed = (async () => {
      if (opening !== undefined) await opening.catch(noop);
      await core.driver.whenClosed();
    })();
    return bounded(closed, options, 'disconnectAndWait()');
  } catch (error) {
    return rejected(error);
  }
}

/** The brokers of `domain`, from DNS SRV, in the order to try. */
async function lookUpBrokers(domain: string, secure: boolean): Promise<BrokerSpec[]> {
  if (typeof domain !== 'string' || domain === '') {
    throw new InvalidArgumentError('connectSrv() needs a domain, e.g. "example.com"');
  }
  const srvBrokers = platform.srvBrokers;
  if (srvBrokers === undefined) {
    throw new ConnectionError(`DNS SRV lookups are not available in ${platform.name}`);
  }
  const targets = await srvBrokers(domain, secure);
  return targets.map((t) => ({ host: t.host, port: t.port }));
}

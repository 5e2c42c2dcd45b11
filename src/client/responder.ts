/**
 * The responder side of MQTT 5 request/response (section 4.10): `respond()` answers one request on its Response
 * Topic with its Correlation Data (section 4.10); `handle()` subscribes to a filter and answers each request
 * with what the handler returns. A handler that throws (or whose Promise rejects) is answered with an empty
 * payload and a user property `error` carrying its message, and is logged at `MQTT_LOG_ERR`: it never becomes
 * an unhandled rejection.
 */
import type { Properties as PacketProperties } from '../packet/types.js';
import { PacketType } from '../packet/types.js';
import { InvalidArgumentError } from '../errors.js';
import { isPromise } from './async.js';
import { messageCallbackAdd, publish, subscribe, unsubscribe } from './client-commands.js';
import type { ClientCore } from './client-core.js';
import { LogLevel, MQTTProtocolVersion } from './enums.js';
import { NotSupportedError } from './errors.js';
import { describeError } from './logging.js';
import type { MQTTMessageInfo } from './message-info.js';
import { MQTTMessage } from './mqtt-message.js';
import type { PayloadType } from './payload.js';
import { toPacketProperties, type Properties } from './properties.js';
import { checkQos } from './subscribe-options.js';

/** `respond()`'s options. */
export interface RespondOptions {
  /** The response's QoS (default: the request's). */
  qos?: number;
  /** Further PUBLISH properties (user properties, content type...); not Response Topic nor Correlation Data. */
  properties?: Properties | PacketProperties;
}

/** `handle()`'s options. */
export interface HandleOptions {
  /** The subscription's QoS (default 1). */
  qos?: number;
}

/** What `handle()` calls with each request: returns (or resolves with) the response's payload. */
export type RequestHandler = (request: MQTTMessage) => PayloadType | Promise<PayloadType>;

function requireMqtt5<C, U>(core: ClientCore<C, U>, method: string): void {
  if (core.config.protocol !== MQTTProtocolVersion.MQTTv5) {
    throw new NotSupportedError(
      `${method} needs MQTT 5: MQTT 3.x has no Response Topic nor Correlation Data (this client speaks 3.x)`,
    );
  }
}

/**
 * Publishes `payload` to the request's Response Topic, with its Correlation Data when it has one.
 * @throws InvalidArgumentError when `request` is not an `MQTTMessage` or has no Response Topic.
 */
export function respond<C, U>(
  core: ClientCore<C, U>,
  request: MQTTMessage,
  payload: PayloadType,
  options: RespondOptions,
): MQTTMessageInfo {
  requireMqtt5(core, 'respond()');
  if (!(request instanceof MQTTMessage)) {
    throw new InvalidArgumentError('respond() needs the request, as an MQTTMessage');
  }
  const { responseTopic, correlationData } = request.properties;
  if (responseTopic === undefined) {
    throw new InvalidArgumentError(
      `respond(): the message on "${request.topic}" has no Response Topic: it is not a request`,
    );
  }
  const qos = checkQos(options.qos ?? request.qos);
  const extra = toPacketProperties(options.properties, PacketType.PUBLISH, core.config.protocol) ?? {};
  if (extra.responseTopic !== undefined || extra.correlationData !== undefined) {
    throw new InvalidArgumentError(
      "respond() sets the Correlation Data itself and publishes to the request's Response Topic",
    );
  }
  // Section 4.10.2: the responder copies the Correlation Data into its response, unaltered.
  const properties = correlationData === undefined ? extra : { ...extra, correlationData };
  return publish(core, responseTopic, payload, qos, false, properties);
}

/**
 * Subscribes to `filter` and answers each request with `handler`'s result. Returns the function that stops:
 * it removes the callback and unsubscribes.
 */
export function handle<C, U>(
  core: ClientCore<C, U>,
  filter: string,
  handler: RequestHandler,
  options: HandleOptions,
): () => void {
  requireMqtt5(core, 'handle()');
  if (typeof handler !== 'function') {
    throw new InvalidArgumentError('handle() needs a handler function');
  }
  const qos = checkQos(options.qos ?? 1);
  messageCallbackAdd(core, filter, (_client, _userdata, message) => answer(core, filter, handler, message));
  subscribe(core, filter, qos, undefined, undefined);
  return () => {
    core.dispatcher.removeMessageCallback(filter);
    unsubscribe(core, filter, undefined);
  };
}

/**
 * The `error` user property: the error's message on one line. Control characters (a stack's newlines) are
 * replaced, as brokers refuse them in UTF-8 strings (Mosquitto closes the connection) [MQTT-1.5.4-2].
 */
function errorProperty(error: unknown): string {
  const text = error instanceof Error ? error.message : describeError(error);
  // eslint-disable-next-line no-control-regex -- the control characters are what is replaced
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}

/** Runs the handler on one request and responds; nothing of it may throw into the dispatcher. */
function answer<C, U>(
  core: ClientCore<C, U>,
  filter: string,
  handler: RequestHandler,
  request: MQTTMessage,
): void {
  const log = (level: LogLevel, message: string): void => core.dispatcher.log(level, message);
  if (request.properties.responseTopic === undefined) {
    log(LogLevel.MQTT_LOG_WARNING, `handle("${filter}"): ignored ${request.toString()}: no Response Topic`);
    return;
  }
  const failed = (error: unknown): void => {
    log(
      LogLevel.MQTT_LOG_ERR,
      `handle("${filter}"): the handler failed on a request to "${request.topic}": ${describeError(error)}`,
    );
    send(null, { userProperties: [['error', errorProperty(error)]] });
  };
  const send = (payload: PayloadType, properties?: PacketProperties): boolean => {
    try {
      respond(core, request, payload, { properties });
      return true;
    } catch (error) {
      log(LogLevel.MQTT_LOG_ERR, `handle("${filter}"): could not respond: ${describeError(error)}`);
      return false;
    }
  };
  let result: PayloadType | Promise<PayloadType>;
  try {
    result = handler(request);
  } catch (error) {
    failed(error);
    return;
  }
  if (!isPromise(result)) {
    if (!send(result)) failed(new InvalidArgumentError('the handler returned an invalid payload'));
    return;
  }
  result.then((payload) => {
    if (!send(payload)) failed(new InvalidArgumentError('the handler resolved with an invalid payload'));
  }, failed);
}

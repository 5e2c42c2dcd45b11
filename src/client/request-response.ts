/**
 * The requester side of MQTT 5 request/response (section 4.10): `request()` publishes with a Response Topic and
 * a fresh Correlation Data and resolves with the first message that carries that Correlation Data on that
 * Response Topic.
 *
 *   - The response topic: a topic under the broker's Response Information when the CONNACK carried one (the
 *     client asked with Request Response Information = 1), else the `responseTopic` client option, else
 *     `steady-mqtt/responses/{clientId}`; a request may name its own.
 *   - One subscription serves all requests: made on the first `request()` (not at connect), and made again on
 *     each connection whose CONNACK says the session is not present (the broker forgot it).
 *   - Pending requests are keyed by their Correlation Data (a `Map`, O(1) per response). The Correlation Data
 *     is a random per-client prefix and a counter, so requesters sharing one response topic never take each
 *     other's responses. A response nobody waits for (late, after a timeout or an abort) is dropped and logged
 *     at `MQTT_LOG_DEBUG`, never handed to another request.
 *   - Messages on a response topic go to the requests only: no callback and no `messages()` iterator sees them.
 */
import type { Properties as PacketProperties } from '../packet/types.js';
import { PacketType } from '../packet/types.js';
import { validateTopicName } from '../topic/validate.js';
import { InvalidArgumentError } from '../errors.js';
import { abortReason, bounded, checkWaitOptions, rejected, type WaitOptions } from './cancellation.js';
import { publish, subscribe, type CommandTarget } from './client-commands.js';
import type { ResponseRouter } from './dispatcher.js';
import { LogLevel, MQTTProtocolVersion } from './enums.js';
import { ClientStateError, NotSupportedError } from './errors.js';
import type { MQTTMessage } from './mqtt-message.js';
import type { PayloadType } from './payload.js';
import { toPacketProperties, type Properties } from './properties.js';
import { checkQos } from './subscribe-options.js';

/** `request()`'s options. */
export interface RequestOptions extends WaitOptions {
  /** The request's QoS (default 1). */
  qos?: number;
  /** Rejects with a `TimeoutError` after this many milliseconds (default 30,000). */
  timeoutMs?: number;
  /** Further PUBLISH properties (user properties, content type...); not Response Topic nor Correlation Data. */
  properties?: Properties | PacketProperties;
  /** The topic the response is to come on, instead of the client's response topic. */
  responseTopic?: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** The default response topic is this prefix and the client id. */
export const DEFAULT_RESPONSE_TOPIC_PREFIX = 'steady-mqtt/responses/';

const utf8 = new TextEncoder();
/** Correlation Data to a Map key: our own Correlation Data is ASCII, which decodes to itself. */
const keyDecoder = new TextDecoder('utf-8', { fatal: false });

interface PendingRequest {
  readonly topic: string;
  readonly resolve: (response: MQTTMessage) => void;
  readonly reject: (error: unknown) => void;
}

/** What the requester uses of its client: the commands' target and the `responseTopic` option. */
export interface RequesterCore<C, U> extends CommandTarget<C, U> {
  readonly responseTopic: string | undefined;
}

export class Requester<C, U> implements ResponseRouter {
  readonly #core: RequesterCore<C, U>;
  /** Made on the first request (as `#topics`): most clients never make one (issue 16, idle memory). */
  #pending: Map<string, PendingRequest> | undefined;
  /** Each response topic subscribed to, with the number of the connection its SUBSCRIBE goes out on. */
  #topics: Map<string, number> | undefined;
  /** Successful CONNACKs seen. */
  #connections = 0;
  #responseInformation: string | undefined;
  /** Made on the first request too: `getRandomValues()` cost every client about 14 us of its construction. */
  #prefix: string | undefined;
  #counter = 0;

  constructor(core: RequesterCore<C, U>) {
    this.#core = core;
  }

  request(topic: string, payload: PayloadType, options: RequestOptions): Promise<MQTTMessage> {
    const core = this.#core;
    if (core.config.protocol !== MQTTProtocolVersion.MQTTv5) {
      throw new NotSupportedError(
        'request() needs MQTT 5: MQTT 3.x has no Response Topic nor Correlation Data (this client speaks 3.x)',
      );
    }
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('request() options must be an object');
    }
    const wait = checkWaitOptions(
      { signal: options.signal, timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS },
      'request()',
    );
    const qos = checkQos(options.qos ?? 1);
    const responseTopic = options.responseTopic ?? this.#defaultTopic();
    validateTopicName(responseTopic); // [MQTT-3.3.2-14]: a Response Topic has no wildcard
    const extra = toPacketProperties(options.properties, PacketType.PUBLISH, core.config.protocol) ?? {};
    if (extra.responseTopic !== undefined || extra.correlationData !== undefined) {
      throw new InvalidArgumentError(
        'request() sets the Response Topic and the Correlation Data itself: pass the responseTopic option instead',
      );
    }
    // Aborted before the publish: nothing is sent.
    if (wait.signal?.aborted === true) return rejected(abortReason(wait.signal));
    validateTopicName(topic); // before subscribing: publish() would refuse it after
    this.#listen(responseTopic);
    const key = `${(this.#prefix ??= randomPrefix())}${(this.#counter++).toString(36)}`;
    const info = publish(core, topic, payload, qos, false, {
      ...extra,
      responseTopic,
      correlationData: utf8.encode(key),
    });
    const response = new Promise<MQTTMessage>((resolve, reject) => {
      (this.#pending ??= new Map<string, PendingRequest>()).set(key, {
        topic: responseTopic,
        resolve,
        reject,
      });
    });
    // A request the broker refuses (or the client drops) fails now, not at its timeout.
    info.waitForPublish().catch((error: unknown) => this.#take(key)?.reject(error));
    return bounded(response, wait, `request to "${topic}"`, () => this.#pending?.delete(key));
  }

  closedForGood(error: ClientStateError): void {
    const pending = [...(this.#pending?.values() ?? [])];
    this.#pending = undefined;
    for (const request of pending) request.reject(error);
  }

  /** `reinitialise()` dropped the session, queued SUBSCRIBEs included: the next request subscribes anew. */
  forgetSubscriptions(): void {
    this.#topics = undefined;
  }

  connected(sessionPresent: boolean, properties: PacketProperties): void {
    this.#connections++;
    this.#responseInformation = properties.responseInformation;
    // The broker kept the session, with its subscriptions [MQTT-3.2.2-2]; otherwise they are gone.
    if (sessionPresent || this.#topics === undefined) return;
    for (const [topic, connection] of this.#topics) {
      if (connection < this.#connections) this.#subscribe(topic);
    }
  }

  route(message: MQTTMessage): boolean {
    if (this.#topics === undefined || !this.#topics.has(message.topic)) return false;
    const data = message.properties.correlationData;
    const key = data === undefined ? undefined : keyDecoder.decode(data);
    const pending = key === undefined ? undefined : this.#pending?.get(key);
    if (key === undefined || pending === undefined || pending.topic !== message.topic) {
      this.#core.dispatcher.log(
        LogLevel.MQTT_LOG_DEBUG,
        `Dropped a response on "${message.topic}": no request waits for its Correlation Data (late or foreign)`,
      );
      return true;
    }
    this.#pending?.delete(key);
    pending.resolve(message);
    return true;
  }

  #take(key: string): PendingRequest | undefined {
    const pending = this.#pending?.get(key);
    this.#pending?.delete(key);
    return pending;
  }

  /** Subscribes to `topic` once; `connected()` subscribes again when a new session forgot it. */
  #listen(topic: string): void {
    if (this.#topics?.has(topic) === true) return;
    this.#subscribe(topic);
  }

  #subscribe(topic: string): void {
    // Made while connected, the SUBSCRIBE goes out on this connection; otherwise on the next one.
    const connection = this.#connections + (this.#core.connection.isConnected() ? 0 : 1);
    (this.#topics ??= new Map<string, number>()).set(topic, connection);
    // QoS 2: each response then arrives at the QoS it was published with.
    subscribe(this.#core, topic, 2, undefined, undefined);
  }

  #defaultTopic(): string {
    const information = this.#responseInformation;
    if (information !== undefined && information !== '') {
      return information.endsWith('/') ? `${information}responses` : `${information}/responses`;
    }
    const option = this.#core.responseTopic;
    if (option !== undefined) return option;
    const clientId = this.#core.driver.session?.clientId ?? this.#core.config.clientId;
    if (clientId === '') {
      throw new ClientStateError(
        'request() needs a response topic: the broker has not assigned the client id yet; give a clientId, ' +
          'the responseTopic option, or wait for the CONNACK',
      );
    }
    return `${DEFAULT_RESPONSE_TOPIC_PREFIX}${clientId}`;
  }
}

/** 12 random hex digits and a dash: requesters sharing a response topic never make the same Correlation Data. */
function randomPrefix(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(6));
  let prefix = '';
  for (const byte of bytes) prefix += byte.toString(16).padStart(2, '0');
  return `${prefix}-`;
}

/** `Client.request()`: argument errors reject. */
export function request<C, U>(
  core: { readonly requester: Requester<C, U> },
  topic: string,
  payload: PayloadType,
  options: RequestOptions,
): Promise<MQTTMessage> {
  try {
    return core.requester.request(topic, payload, options);
  } catch (error) {
    return rejected(error);
  }
}

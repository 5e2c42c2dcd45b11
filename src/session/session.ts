/**
 * `Session`: the sans-IO MQTT session engine. See `types.ts` for the contract and the client's loop.
 *
 * This file wires the parts: `connect.ts` (CONNECT, CONNACK), `outgoing.ts` (QoS 0/1/2 out, window, queue),
 * `incoming.ts` (QoS 1/2 in, exactly-once), `subscriptions.ts`, `keepalive.ts`, `topic-alias.ts`,
 * `packet-ids.ts`; `output.ts` accumulates what the client takes with `takeOutput()`.
 *
 * Life of a connection:  disconnected --connectionOpened--> connecting (CONNECT written)
 *   --CONNACK ok--> connected --disconnect() / protocol error / server DISCONNECT / timeout--> disconnecting
 *   ('close' event: the client closes the transport) --connectionClosed--> disconnected.
 * A refused CONNACK goes from connecting to disconnecting. `connectionClosed` is accepted in any state.
 */
import { InvalidArgumentError, type MqttError } from '../errors.js';
import { PacketDecoder } from '../packet/decoder.js';
import { MalformedPacketError } from '../packet/errors.js';
import { isValidReasonCode, ReasonCode } from '../packet/reason-codes.js';
import type {
  AuthPacket,
  ConnackPacket,
  DisconnectPacket,
  Packet,
  Properties,
  PublishPacket,
  QoS,
  SubscribePacket,
  Subscription,
  UnsubscribePacket,
} from '../packet/types.js';
import { PACKET_NAMES, PacketType } from '../packet/types.js';
import type { StoredSession } from '../store/types.js';
import { validateTopicFilter, validateTopicName } from '../topic/validate.js';
import {
  brokerLimits,
  buildConnect,
  connackReasonCode,
  DEFAULT_LIMITS,
  incomingMaximumPacketSize,
  incomingReceiveMaximum,
  incomingTopicAliasMaximum,
  initialClientId,
  validateOptions,
} from './connect.js';
import { initialAuthenticationData, refuseFinalAuthentication } from './authentication.js';
import { MQTTErrorCode } from './error-code.js';
import { ProtocolViolationError, SessionReconfigureError, SessionTimeoutError } from './errors.js';
import { DELIVER, Incoming, SUPPRESS } from './incoming.js';
import { Keepalive } from './keepalive.js';
import { Outgoing } from './outgoing.js';
import { NO_PROPERTIES, Output } from './output.js';
import { PacketIds } from './packet-ids.js';
import { Subscriptions } from './subscriptions.js';
import { IncomingAliases, OutgoingAliases } from './topic-alias.js';
import type {
  EngineStats,
  OutgoingMessage,
  PublishTicket,
  SessionEngine,
  SessionOptions,
  SessionOutput,
  SessionState,
} from './types.js';

const PINGREQ_PACKET: Packet = { type: PacketType.PINGREQ };
const MAX_PAYLOAD = 268_435_455;
/** Unacknowledged messages the application may hold on MQTT 3.x before the client stops reading. */
const APPLICATION_BACKLOG_LIMIT = 1000;
/** The smallest packet a client must be able to send on MQTT 5: an acknowledgement (PUBACK, 4 bytes). */
const SMALLEST_ACK = 4;

export class Session implements SessionEngine {
  /** The engine's own copy of the options (`reconfigure()` updates it in place: `Outgoing` reads it too). */
  readonly #opts: SessionOptions;
  readonly #version: SessionOptions['protocolVersion'];
  readonly #out: Output;
  readonly #ids = new PacketIds();
  readonly #outgoing: Outgoing;
  readonly #incoming: Incoming;
  readonly #subs: Subscriptions;
  readonly #keepaliveTimer = new Keepalive();
  /** Application messages handed to the client, by QoS (a QoS 2 duplicate the flow suppresses is not one). */
  readonly #received: [number, number, number] = [0, 0, 0];
  #inAliases: IncomingAliases;
  readonly #outAliases = new OutgoingAliases();
  /** Made anew for each connection and by `reconfigure()` (its Maximum Packet Size is a construction argument). */
  #decoder: PacketDecoder;

  #_state: SessionState = 'disconnected';
  #_clientId: string;
  #_keepalive: number;
  /** A 'close' event was emitted: ignore input until `connectionClosed`. */
  #closing = false;
  /** The Clean Start flag of the CONNECT on the current connection. */
  #cleanRequested = false;
  /** A CONNACK accepted a connection at least once (drives 'first-only' and re-subscription on clean starts). */
  #hadConnected = false;
  #connectStartedAt = 0;
  /** The client id last written with `setIdentity`. */
  #identityClientId: string | undefined;
  packetObserver: ((packet: Packet, size: number) => void) | undefined = undefined;

  constructor(options: SessionOptions, restored?: StoredSession) {
    validateOptions(options);
    this.#opts = { ...options };
    this.#version = options.protocolVersion;
    this.#out = new Output(this.#version);
    this.#_clientId = initialClientId(options);
    this.#_keepalive = options.keepalive;
    this.#inAliases = new IncomingAliases(this.#version === 5 ? incomingTopicAliasMaximum(options) : 0);
    this.#outgoing = new Outgoing(this.#opts, this.#ids, this.#out, this.#outAliases);
    this.#incoming = new Incoming(
      this.#out,
      this.#version === 5 ? incomingReceiveMaximum(options) : Infinity,
    );
    this.#subs = new Subscriptions(this.#out, this.#ids);
    this.#decoder = this.#newDecoder(options);
    if (restored !== undefined) {
      this.#outgoing.restore(restored.outgoing);
      this.#incoming.restore(restored.incomingQos2);
      this.#subs.restore(restored.subscriptions);
    }
  }

  #newDecoder(options: SessionOptions): PacketDecoder {
    return new PacketDecoder({
      protocolVersion: this.#version,
      maximumPacketSize: incomingMaximumPacketSize(options),
      onPacket: (p, size) => {
        this.packetObserver?.(p, size);
        this.#onPacket(p);
      },
    });
  }

  get state(): SessionState {
    return this.#_state;
  }

  get clientId(): string {
    return this.#_clientId;
  }

  get keepalive(): number {
    return this.#_keepalive;
  }

  stats(): EngineStats {
    const outgoing = this.#outgoing;
    return {
      publishesSent: outgoing.firstSends(),
      messagesReceived: [this.#received[0], this.#received[1], this.#received[2]],
      inflightOutgoing: outgoing.inflightCount,
      inflightIncoming: this.#incoming.unacknowledged,
      queuedMessages: outgoing.queuedMessages,
      queuedBytes: outgoing.queuedBytes,
      packetIdsInUse: this.#ids.size,
      lastPingRoundTripMs: this.#keepaliveTimer.lastRoundTripMs,
      lastPublishRoundTripMs: outgoing.lastPublishRoundTripMs,
    };
  }

  /**
   * MQTT 3.x has no Receive Maximum to stop a broker's flood: once the application holds this many messages
   * it has not acknowledged (manual ack), the driver stops reading, so TCP back-pressure holds the rest in the
   * network's buffers instead of this process. MQTT 5 brokers keep to the Receive Maximum we advertised.
   */
  get applicationBacklogFull(): boolean {
    return this.#version !== 5 && this.#incoming.awaitingAck >= APPLICATION_BACKLOG_LIMIT;
  }

  /** QoS 1/2 messages on the wire awaiting their acknowledgement (not part of `SessionEngine`). */
  get inflightMessages(): number {
    return this.#outgoing.inflightCount;
  }

  /** Messages waiting behind the window or for a connection, never sent yet (not part of `SessionEngine`). */
  get queuedMessages(): number {
    return this.#outgoing.queuedMessages;
  }

  // ---------------------------------------------------------------------------------------------- connection

  connectionOpened(now: number): void {
    if (this.#_state !== 'disconnected') {
      this.#out.log(
        'warn',
        `connectionOpened while ${this.#_state}: the previous connection is treated as closed`,
      );
      this.connectionClosed(now);
    }
    this.#out.startInput(now);
    this.#out.setBrokerMaximumPacketSize(Infinity); // none known until this connection's CONNACK
    // A decoder of its own for each connection (it adopts the level of any CONNECT it decodes: it starts at ours).
    this.#decoder = this.#newDecoder(this.#opts);
    this.#_keepalive = this.#opts.keepalive;
    const cs = this.#opts.cleanStart;
    // 'first-only': clean until a CONNACK accepted a session, then resume. An empty id on 3.1.1 can never be
    // resumed (the broker assigns none on 3.x), so it stays clean [MQTT-3.1.3-7].
    this.#cleanRequested =
      cs === true ||
      (cs === 'first-only' && !this.#hadConnected) ||
      (this.#version !== 5 && this.#_clientId === '');
    this.#_state = 'connecting';
    this.#closing = false;
    this.#connectStartedAt = now;
    const authenticationData = initialAuthenticationData(this.#opts);
    this.#out.write(
      this.#out.encode(buildConnect(this.#opts, this.#_clientId, this.#cleanRequested, authenticationData)),
    );
  }

  transportWritable(writable: boolean, now: number): void {
    this.#out.startInput(now);
    this.#outgoing.setCongested(!writable);
  }

  connectionClosed(now: number): void {
    this.#out.startInput(now);
    if (this.#_state === 'disconnected') return;
    this.#_state = 'disconnected';
    this.#closing = false;
    this.#outgoing.disconnected();
    this.#incoming.connectionDown();
    this.#subs.disconnected();
    this.#keepaliveTimer.stop();
    this.#inAliases.reset();
    this.#outAliases.reset(0);
    this.#decoder.reset();
  }

  receive(data: Uint8Array, now: number): void {
    this.#out.startInput(now);
    if (this.#_state === 'disconnected' || this.#closing) return;
    // Any byte is activity, even a part of a packet still arriving (keepalive.ts).
    this.#keepaliveTimer.received(now);
    try {
      this.#decoder.push(data);
    } catch (err) {
      if (this.#closing) return;
      if (err instanceof MalformedPacketError) {
        // 4.13: on a malformed packet or protocol error, send DISCONNECT with the reason (MQTT 5), then close.
        this.#fail(err.reasonCode, err);
      } else {
        // A bug in the engine: never let it escape as an exception from an input; close the connection instead.
        const message = err instanceof Error ? err.message : String(err);
        this.#out.log('error', `internal error while handling input: ${message}`);
        this.#fail(
          ReasonCode.ImplementationSpecificError,
          new ProtocolViolationError(ReasonCode.ImplementationSpecificError, `internal error: ${message}`),
        );
      }
    }
  }

  tick(now: number): void {
    this.#out.startInput(now);
    if (this.#closing) return;
    if (this.#_state === 'connecting') {
      const t = this.#opts.connackTimeoutMs;
      if (t > 0 && now >= this.#connectStartedAt + t) {
        this.#close(
          ReasonCode.KeepAliveTimeout,
          NO_PROPERTIES,
          false,
          new SessionTimeoutError(`no CONNACK within ${t} ms`),
        );
      }
      return;
    }
    if (this.#_state !== 'connected') return;
    const k = this.#keepaliveTimer;
    const timeoutAt = k.timeoutAt();
    if (timeoutAt !== undefined && now >= timeoutAt) {
      // The broker is silent after our PINGREQ: Paho's MQTT_ERR_KEEPALIVE, reason 0x8D. No DISCONNECT: the
      // client may not send 0x8D (3.14.2.1), and nothing would read it.
      this.#close(
        ReasonCode.KeepAliveTimeout,
        NO_PROPERTIES,
        false,
        new SessionTimeoutError(`no answer within ${k.pingTimeoutMs} ms after PINGREQ`),
      );
      return;
    }
    const due = k.pingDue(this.#out.lastSent);
    if (due !== undefined && now >= due) {
      // [MQTT-3.1.2-20] (3.1.1: [MQTT-3.1.2-23]): with nothing else to send, the client sends PINGREQ.
      this.#out.write(this.#out.encode(PINGREQ_PACKET));
      k.pingSent(now);
    }
  }

  nextDeadline(): number | undefined {
    if (this.#closing) return undefined;
    if (this.#_state === 'connecting') {
      const t = this.#opts.connackTimeoutMs;
      return t > 0 ? this.#connectStartedAt + t : undefined;
    }
    if (this.#_state !== 'connected') return undefined;
    const due = this.#keepaliveTimer.pingDue(this.#out.lastSent);
    const timeoutAt = this.#keepaliveTimer.timeoutAt();
    if (timeoutAt === undefined) return due;
    return due === undefined ? timeoutAt : Math.min(due, timeoutAt);
  }

  disconnect(reasonCode: number, properties: Properties | undefined, now: number): void {
    this.#out.startInput(now);
    if (!Number.isInteger(reasonCode) || reasonCode < 0 || reasonCode > 255) {
      throw new InvalidArgumentError(`the DISCONNECT reason code must be 0..255, got ${reasonCode}`);
    }
    if (
      this.#version === 5 &&
      properties?.sessionExpiryInterval !== undefined &&
      properties.sessionExpiryInterval !== 0 &&
      (this.#opts.connectProperties?.sessionExpiryInterval ?? 0) === 0
    ) {
      // [MQTT-3.14.2-2]: a non-zero Session Expiry Interval in DISCONNECT after 0 in CONNECT is a Protocol Error.
      throw new InvalidArgumentError(
        'a Session Expiry Interval in DISCONNECT needs a non-zero one in CONNECT',
      );
    }
    if (this.#_state === 'disconnected' || this.#closing) return;
    const packet: DisconnectPacket = {
      type: PacketType.DISCONNECT,
      reasonCode: this.#version === 5 ? reasonCode : ReasonCode.NormalDisconnection,
    };
    if (this.#version === 5 && properties !== undefined && Object.keys(properties).length > 0)
      packet.properties = properties;
    this.#out.write(this.#out.encode(packet));
    this.#close(reasonCode, NO_PROPERTIES, false, undefined);
  }

  auth(reasonCode: number, properties: Properties, now: number): void {
    this.#out.startInput(now);
    if (this.#version !== 5) throw new InvalidArgumentError('AUTH exists only in MQTT 5');
    if (reasonCode !== ReasonCode.ContinueAuthentication && reasonCode !== ReasonCode.ReAuthenticate) {
      throw new InvalidArgumentError(
        `a client AUTH reason code is 0x18 (continue) or 0x19 (re-authenticate), got ${reasonCode}`,
      );
    }
    // 4.12: enhanced authentication is started by the CONNECT's Authentication Method, and every AUTH carries
    // that same method.
    const method = this.#opts.connectProperties?.authenticationMethod;
    if (method === undefined) {
      throw new InvalidArgumentError('AUTH needs an Authentication Method in the CONNECT properties');
    }
    if (properties.authenticationMethod !== undefined && properties.authenticationMethod !== method) {
      throw new InvalidArgumentError(
        `the AUTH method '${properties.authenticationMethod}' differs from the CONNECT's '${method}'`,
      );
    }
    if (this.#closing || (this.#_state !== 'connecting' && this.#_state !== 'connected')) {
      this.#out.log('warn', 'auth() while not connected: ignored');
      return;
    }
    if (reasonCode === ReasonCode.ReAuthenticate && this.#_state !== 'connected') {
      throw new InvalidArgumentError('re-authentication (0x19) needs an established connection');
    }
    // Filled in when the caller left it out.
    const props =
      properties.authenticationMethod === undefined
        ? { ...properties, authenticationMethod: method }
        : properties;
    const packet: AuthPacket = { type: PacketType.AUTH, reasonCode, properties: props };
    this.#out.write(this.#out.encode(packet));
  }

  reconfigure(options: SessionOptions): void {
    if (this.#_state !== 'disconnected') {
      throw new SessionReconfigureError(
        `the engine is ${this.#_state}: reconfigure it only while disconnected`,
      );
    }
    validateOptions(options);
    const current = this.#opts;
    if (options.protocolVersion !== current.protocolVersion) {
      throw new SessionReconfigureError(
        `the protocol version cannot change on a session (${current.protocolVersion} -> ${options.protocolVersion})`,
      );
    }
    if (options.autoTopicAlias !== current.autoTopicAlias) {
      throw new SessionReconfigureError('autoTopicAlias cannot change on a session');
    }
    const newId = options.clientId !== current.clientId;
    if (newId && this.#holdsSession()) {
      // The session belongs to its client id: another id is another session (and another store key).
      throw new SessionReconfigureError(
        `the client id cannot change while a session is held ('${current.clientId}' -> '${options.clientId}')`,
      );
    }
    for (const key of Object.keys(current) as (keyof SessionOptions)[]) {
      if (!(key in options)) delete current[key];
    }
    Object.assign(current, options);
    if (newId) {
      this.#_clientId = initialClientId(options);
      this.#hadConnected = false; // 'first-only' starts clean again for the new id
      this.#identityClientId = undefined;
    }
    this.#_keepalive = current.keepalive;
    this.#inAliases = new IncomingAliases(this.#version === 5 ? incomingTopicAliasMaximum(current) : 0);
    this.#incoming.setReceiveMaximum(this.#version === 5 ? incomingReceiveMaximum(current) : Infinity);
    this.#decoder = this.#newDecoder(current);
  }

  /**
   * The engine holds session state tied to the client id: unacknowledged or queued QoS 1/2 messages, incoming
   * QoS 2 ids, held subscriptions, or a session the broker may keep (a non-clean connection was accepted).
   */
  #holdsSession(): boolean {
    return (
      this.#outgoing.unfinished > 0 ||
      this.#incoming.unacknowledged > 0 ||
      this.#subs.heldCount > 0 ||
      (this.#hadConnected && this.#opts.cleanStart !== true)
    );
  }

  takeOutput(): SessionOutput {
    return this.#out.take();
  }

  // ---------------------------------------------------------------------------------------------- commands

  publish(message: OutgoingMessage, now: number): PublishTicket {
    this.#out.startInput(now);
    const { qos, payload } = message;
    if (qos !== 0 && qos !== 1 && qos !== 2)
      throw new InvalidArgumentError(`qos must be 0, 1 or 2, got ${String(qos)}`);
    if (!(payload instanceof Uint8Array)) throw new InvalidArgumentError('payload must be a Uint8Array');
    if (typeof message.retain !== 'boolean') throw new InvalidArgumentError('retain must be a boolean');
    const alias = this.#version === 5 ? message.properties?.topicAlias : undefined;
    validateTopicName(message.topic, { allowEmpty: alias !== undefined });
    let msg = message;
    if (alias !== undefined) {
      if (!Number.isInteger(alias) || alias < 1 || alias > 65535) {
        throw new InvalidArgumentError(`topicAlias must be 1..65535, got ${alias}`); // [MQTT-3.3.2-8]
      }
      if (this.#_state === 'connected' && alias > this.#outAliases.max) {
        // [MQTT-3.3.2-9]: no alias above the broker's Topic Alias Maximum.
        throw new InvalidArgumentError(
          `topicAlias ${alias} exceeds the broker's Topic Alias Maximum ${this.#outAliases.max}`,
        );
      }
      if (message.topic === '') {
        // Stored and resent messages need the topic itself: aliases die with the connection.
        const topic = this.#_state === 'connected' ? this.#outAliases.topicOf(alias) : undefined;
        if (topic === undefined)
          throw new InvalidArgumentError(
            `topic alias ${alias} is not set on this connection: publish with the topic first`,
          );
        msg = { ...message, topic };
      }
    }
    if (payload.length > MAX_PAYLOAD) return { mid: 0, rc: MQTTErrorCode.MQTT_ERR_PAYLOAD_SIZE };
    return this.#outgoing.publish(msg);
  }

  subscribe(subscriptions: Subscription[], properties: Properties | undefined, now: number): number {
    this.#out.startInput(now);
    if (!Array.isArray(subscriptions) || subscriptions.length === 0) {
      throw new InvalidArgumentError('subscribe needs at least one subscription'); // 3.8.3: a SUBSCRIBE without one is a Protocol Error
    }
    const limit = this.#opts.subscribeBatchSize ?? 0;
    if (limit > 0 && subscriptions.length > limit) {
      // A broker that limits filters per SUBSCRIBE (AWS IoT Core: 8) refuses a longer one, or closes the connection.
      throw new InvalidArgumentError(
        `${subscriptions.length} topic filters in one subscribe(); subscribeBatchSize allows ${limit} per SUBSCRIBE: ` +
          `subscribe in several calls`,
      );
    }
    for (const s of subscriptions) {
      validateTopicFilter(s.topicFilter);
      if (s.qos !== 0 && s.qos !== 1 && s.qos !== 2)
        throw new InvalidArgumentError(`qos must be 0, 1 or 2, got ${String(s.qos)}`);
      if (
        s.retainHandling !== undefined &&
        s.retainHandling !== 0 &&
        s.retainHandling !== 1 &&
        s.retainHandling !== 2
      ) {
        throw new InvalidArgumentError(`retainHandling must be 0, 1 or 2, got ${String(s.retainHandling)}`);
      }
      if (this.#version === 5 && s.noLocal === true && s.topicFilter.startsWith('$share/')) {
        // [MQTT-3.8.3-4]: No Local on a shared subscription is a Protocol Error.
        throw new InvalidArgumentError(`noLocal cannot be set on a shared subscription ('${s.topicFilter}')`);
      }
    }
    const ids = properties?.subscriptionIdentifiers;
    if (ids !== undefined && ids.some((id) => !Number.isInteger(id) || id < 1 || id > 268_435_455)) {
      throw new InvalidArgumentError('a subscription identifier is 1..268435455'); // 3.8.2.1.2
    }
    const props = this.#version === 5 ? properties : undefined;
    // A trial encode: what the codec refuses (a bad property) throws now, not when the request is sent.
    const trial: SubscribePacket = { type: PacketType.SUBSCRIBE, packetId: 1, subscriptions };
    if (props !== undefined) trial.properties = props;
    this.#out.encode(trial);
    const mid = this.#subs.subscribe(subscriptions.slice(), props);
    if (mid === 0) throw new InvalidArgumentError('all 65535 packet identifiers are in use');
    return mid;
  }

  subscriptionIdentifierOf(topicFilter: string): number | undefined {
    return this.#subs.identifierOf(topicFilter);
  }

  unsubscribe(topicFilters: string[], properties: Properties | undefined, now: number): number {
    this.#out.startInput(now);
    if (!Array.isArray(topicFilters) || topicFilters.length === 0) {
      throw new InvalidArgumentError('unsubscribe needs at least one topic filter'); // 3.10.3
    }
    for (const f of topicFilters) validateTopicFilter(f);
    const props = this.#version === 5 ? properties : undefined;
    const trial: UnsubscribePacket = { type: PacketType.UNSUBSCRIBE, packetId: 1, topicFilters };
    if (props !== undefined) trial.properties = props;
    this.#out.encode(trial);
    const mid = this.#subs.unsubscribe(topicFilters.slice(), props);
    if (mid === 0) throw new InvalidArgumentError('all 65535 packet identifiers are in use');
    return mid;
  }

  ack(packetId: number, qos: QoS, now: number): boolean {
    this.#out.startInput(now);
    return this.#incoming.ack(packetId, qos);
  }

  // ---------------------------------------------------------------------------------------------- input

  #onPacket(p: Packet): void {
    if (this.#closing) return;
    if (this.#_state === 'connecting') {
      switch (p.type) {
        case PacketType.CONNACK:
          return this.#onConnack(p);
        case PacketType.AUTH:
          return this.#onAuth(p);
        case PacketType.DISCONNECT:
          return this.#onDisconnect(p);
        default:
          // [MQTT-3.2.0-1]: the first packet from the server is CONNACK (AUTH aside, MQTT 5 4.12).
          return this.#protocolError(`${PACKET_NAMES[p.type]} before CONNACK`);
      }
    }
    switch (p.type) {
      case PacketType.PUBLISH:
        return this.#onPublish(p);
      case PacketType.PUBACK:
        return this.#outgoing.onPuback(p.packetId, p.reasonCode, p.properties);
      case PacketType.PUBREC:
        return this.#outgoing.onPubrec(p.packetId, p.reasonCode, p.properties);
      case PacketType.PUBREL:
        return this.#incoming.pubrel(p.packetId);
      case PacketType.PUBCOMP:
        return this.#outgoing.onPubcomp(p.packetId, p.reasonCode, p.properties);
      case PacketType.SUBACK:
        return this.#subs.onSuback(p);
      case PacketType.UNSUBACK:
        return this.#subs.onUnsuback(p);
      case PacketType.PINGRESP:
        this.#keepaliveTimer.pingResponse(this.#out.now);
        return;
      case PacketType.DISCONNECT:
        return this.#onDisconnect(p);
      case PacketType.AUTH:
        return this.#onAuth(p);
      case PacketType.CONNECT:
      case PacketType.CONNACK:
      case PacketType.SUBSCRIBE:
      case PacketType.UNSUBSCRIBE:
      case PacketType.PINGREQ:
        // [MQTT-3.2.0-2]: a second CONNACK; and packets only a client sends.
        return this.#protocolError(`unexpected ${PACKET_NAMES[p.type]} from the broker`);
    }
  }

  #onPublish(p: PublishPacket): void {
    if (this.#version === 5) {
      const alias = p.properties?.topicAlias;
      if (alias !== undefined) {
        const r = this.#inAliases.resolve(alias, p.topic);
        if (typeof r === 'number') {
          return this.#protocolError(
            r === ReasonCode.ProtocolError
              ? `PUBLISH with an empty topic and unknown topic alias ${alias}`
              : `topic alias ${alias} is 0 or above our maximum ${this.#inAliases.maximum}`,
            r,
          );
        }
        p.topic = r;
      } else if (p.topic.length === 0) {
        return this.#protocolError('PUBLISH with an empty topic and no topic alias'); // 3.3.2.1
      }
      if (p.properties?.subscriptionIdentifiers !== undefined && !this.#subs.identifiersInSession) {
        // 3.3.4: a server sends "the Subscription Identifiers" the client specified [MQTT-3.3.4-3]; none was.
        return this.#protocolError(
          'PUBLISH with a Subscription Identifier, but no SUBSCRIBE of this session had one',
        );
      }
    }
    if (p.qos === 0) {
      this.#received[0]++;
      this.#out.event({ type: 'message', packet: p });
      return;
    }
    const r = this.#incoming.publish(p);
    if (r === DELIVER) {
      this.#received[p.qos]++;
      this.#out.event({ type: 'message', packet: p });
    } else if (r !== SUPPRESS)
      this.#protocolError(`more than Receive Maximum unacknowledged QoS 1/2 messages from the broker`, r);
  }

  #onConnack(p: ConnackPacket): void {
    const props = p.properties ?? NO_PROPERTIES;
    const reason = connackReasonCode(p, this.#version);
    if (reason !== ReasonCode.Success) {
      // A refusal: 'connack' (onConnect sees the code), then 'close' with the MQTT 5 equivalent.
      this.#out.event({
        type: 'connack',
        reasonCode: p.reasonCode,
        sessionPresent: p.sessionPresent,
        properties: props,
      });
      this.#close(reason, props, false, undefined);
      return;
    }
    if (p.sessionPresent && this.#cleanRequested) {
      // [MQTT-3.2.2-4]: a client without session state that gets Session Present = 1 closes the connection.
      return this.#protocolError('Session Present = 1 in answer to Clean Start = 1');
    }
    // The authenticator checks the broker's proof (a SCRAM server signature) before anything is sent.
    const refused = refuseFinalAuthentication(this.#opts, p.properties?.authenticationData);
    if (refused !== undefined) return this.#fail(ReasonCode.UnspecifiedError, refused);
    let limits = DEFAULT_LIMITS;
    if (this.#version === 5 && p.properties !== undefined) {
      const assigned = p.properties.assignedClientIdentifier;
      if (assigned !== undefined && this.#_clientId !== '' && assigned !== this.#_clientId) {
        // 3.2.2.3.7: a server assigns an id "because a zero length Client Identifier was found in the CONNECT".
        // Adopting another id would move the stored session under a name the application never chose.
        return this.#protocolError(
          `Assigned Client Identifier '${assigned}' for client '${this.#_clientId}'`,
        );
      }
      limits = brokerLimits(p.properties);
      if (limits.maximumPacketSize < SMALLEST_ACK) {
        // [MQTT-3.2.2-15]: nothing above the broker's limit may be sent, and a 4-byte acknowledgement would be:
        // every QoS 1/2 message would wedge. The DISCONNECT goes out only if it fits (#fail checks).
        this.#out.setBrokerMaximumPacketSize(limits.maximumPacketSize);
        return this.#fail(
          ReasonCode.PacketTooLarge,
          new ProtocolViolationError(
            ReasonCode.PacketTooLarge,
            `the broker's Maximum Packet Size ${limits.maximumPacketSize} is below a ${SMALLEST_ACK}-byte acknowledgement`,
          ),
        );
      }
      // [MQTT-3.2.2-21]: the Server Keep Alive replaces ours.
      if (p.properties.serverKeepAlive !== undefined) this.#_keepalive = p.properties.serverKeepAlive;
      if (assigned !== undefined) this.#_clientId = assigned;
    }
    this.#_state = 'connected';
    this.#keepaliveTimer.start(this.#out.now, this.#_keepalive, this.#opts.pingTimeoutMs);
    this.#inAliases.reset();
    this.#outgoing.connack(limits, this.#version);
    this.#out.event({
      type: 'connack',
      reasonCode: p.reasonCode,
      sessionPresent: p.sessionPresent,
      properties: props,
    });

    const firstConnack = !this.#hadConnected;
    this.#hadConnected = true;
    // A new broker session holds no Subscription Identifier yet; a resumed one, first seen by this process,
    // may hold any (see #onPublish).
    this.#subs.sessionStarted(p.sessionPresent, firstConnack);
    if (this.#cleanRequested) this.#out.op({ kind: 'clear' });
    const identity = this.#opts.identity;
    if (
      identity !== undefined &&
      (firstConnack || this.#cleanRequested || this.#identityClientId !== this.#_clientId)
    ) {
      this.#identityClientId = this.#_clientId;
      this.#out.op({ kind: 'setIdentity', identity: { ...identity, clientId: this.#_clientId } });
    }
    if (this.#cleanRequested) {
      // A new session: discard what the old one held, keep what was never sent (it belongs to the new one).
      this.#outgoing.discardSent();
      this.#incoming.clear(false);
      if (!firstConnack && this.#opts.resubscribe) {
        // Subscriptions made in this process are the user's: bring them to the new session.
        this.#subs.restoreStore();
        this.#subs.resubscribe(this.#opts.subscribeBatchSize);
      } else {
        // On the first connection, held subscriptions come from a stored session the user chose to discard.
        this.#subs.clearHeld(false);
      }
    } else if (!p.sessionPresent) {
      // The broker lost the session: publish again as new messages (promise 3), forget incoming QoS 2 ids.
      this.#outgoing.requeueAll();
      this.#incoming.clear(true);
      if (this.#opts.resubscribe) this.#subs.resubscribe(this.#opts.subscribeBatchSize);
      else this.#subs.clearHeld(true);
    }
    this.#incoming.connectionUp();
    this.#subs.connectionUp();
    this.#outgoing.drain();
  }

  #onAuth(p: AuthPacket): void {
    const method = this.#opts.connectProperties?.authenticationMethod;
    if (method === undefined) {
      // [MQTT-4.12.0-6]: a server MUST NOT send AUTH to a client that did not ask for enhanced authentication.
      return this.#protocolError('AUTH without an Authentication Method in CONNECT');
    }
    // [MQTT-4.12.0-2]: during CONNECT the server's AUTH is 0x18 (success comes as CONNACK); once connected it
    // is 0x18 (re-authentication goes on) or 0x00 (re-authentication succeeded). 0x19 is the client's.
    const allowed =
      p.reasonCode === ReasonCode.ContinueAuthentication ||
      (p.reasonCode === ReasonCode.Success && this.#_state !== 'connecting');
    if (!allowed) {
      return this.#protocolError(`AUTH with reason code 0x${p.reasonCode.toString(16)} from the broker`);
    }
    // [MQTT-4.12.0-5]: every AUTH carries the CONNECT's Authentication Method.
    if (p.properties?.authenticationMethod !== method) {
      return this.#protocolError(
        `AUTH with Authentication Method '${p.properties?.authenticationMethod ?? ''}', not '${method}'`,
      );
    }
    if (p.reasonCode === ReasonCode.Success) {
      // A re-authentication succeeded: the authenticator checks the broker's proof first.
      const refused = refuseFinalAuthentication(this.#opts, p.properties?.authenticationData);
      if (refused !== undefined) return this.#fail(ReasonCode.UnspecifiedError, refused);
    }
    this.#out.event({ type: 'auth', reasonCode: p.reasonCode, properties: p.properties ?? NO_PROPERTIES });
  }

  #onDisconnect(p: DisconnectPacket): void {
    this.#close(p.reasonCode, p.properties ?? NO_PROPERTIES, true, undefined);
  }

  // ---------------------------------------------------------------------------------------------- closing

  #protocolError(message: string, reasonCode: number = ReasonCode.ProtocolError): void {
    this.#fail(reasonCode, new ProtocolViolationError(reasonCode, message));
  }

  /** A protocol violation: DISCONNECT with the reason on MQTT 5 (none on 3.x: no such packet), then close. */
  #fail(reasonCode: number, error: MqttError): void {
    this.#out.log('error', error.message);
    // A decoder reason only a server sends (0x84 Unsupported Protocol Version, for a CONNECT the broker should
    // never have sent) is no DISCONNECT reason (3.14.2.1): the broker is told what it did, a Protocol Error; the
    // application still sees the precise reason on close.
    const sent = isValidReasonCode(PacketType.DISCONNECT, reasonCode) ? reasonCode : ReasonCode.ProtocolError;
    // [MQTT-3.2.2-15]: not even the DISCONNECT may exceed the broker's Maximum Packet Size.
    if (this.#version === 5) this.#out.send({ type: PacketType.DISCONNECT, reasonCode: sent });
    this.#close(reasonCode, NO_PROPERTIES, false, error);
  }

  #close(
    reasonCode: number,
    properties: Properties,
    fromServer: boolean,
    error: MqttError | undefined,
  ): void {
    this.#closing = true;
    this.#_state = 'disconnecting';
    this.#outgoing.closing();
    this.#incoming.connectionDown();
    this.#subs.closing();
    this.#keepaliveTimer.stop();
    const event =
      error === undefined
        ? ({ type: 'close', reasonCode, properties, fromServer } as const)
        : ({ type: 'close', reasonCode, properties, fromServer, error } as const);
    this.#out.event(event);
  }
}

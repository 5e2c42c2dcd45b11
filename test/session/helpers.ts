/**
 * A scripted broker for the session engine: it encodes broker packets with the codec, feeds them to a `Session`
 * on a fake clock (plain numbers), and decodes what the engine writes with a `PacketDecoder`.
 */
import assert from 'node:assert/strict';
import { PacketDecoder } from '../../src/packet/decoder.js';
import { encode } from '../../src/packet/encode.js';
import type {
  ConnectPacket,
  Packet,
  Properties,
  ProtocolVersion,
  PublishPacket,
  QoS,
} from '../../src/packet/types.js';
import { Session } from '../../src/session/session.js';
import type { SessionEvent, SessionOptions } from '../../src/session/types.js';
import type { StoredSession, StoreOp } from '../../src/store/types.js';

export function options(over: Partial<SessionOptions> = {}): SessionOptions {
  return {
    protocolVersion: 5,
    clientId: 'c1',
    cleanStart: false,
    keepalive: 60,
    maxInflightMessages: 20,
    maxQueuedMessages: 0,
    maxQueuedBytes: 0,
    queueFullPolicy: 'reject',
    manualAck: false,
    resubscribe: true,
    connackTimeoutMs: 0,
    topicAliasMaximum: 0,
    autoTopicAlias: false,
    ...over,
  };
}

/** One `takeOutput()`, with the bytes decoded. */
export interface Step {
  ops: StoreOp[];
  packets: Packet[];
  events: SessionEvent[];
  /** The raw chunks, to check ordering against ops. */
  data: Uint8Array[];
}

export const enc = new TextEncoder();
export const dec = new TextDecoder();
export const bytes = (s: string): Uint8Array => enc.encode(s);

export class Harness {
  readonly session: Session;
  readonly version: ProtocolVersion;
  now = 1000;
  private readonly decoder: PacketDecoder;
  private decoded: Packet[] = [];

  constructor(
    readonly opts: SessionOptions = options(),
    restored?: StoredSession,
  ) {
    this.version = opts.protocolVersion;
    this.session = new Session(opts, restored);
    this.decoder = new PacketDecoder({
      protocolVersion: this.version,
      onPacket: (p) => this.decoded.push(p),
    });
  }

  take(): Step {
    const out = this.session.takeOutput();
    for (const chunk of out.data) this.decoder.push(chunk);
    const packets = this.decoded;
    this.decoded = [];
    return {
      ops: [...out.storeOps],
      packets,
      events: [...out.events].filter((e) => e.type !== 'log'),
      data: [...out.data],
    };
  }

  /** Opens the transport: returns the CONNECT. */
  open(): ConnectPacket {
    this.decoder.reset();
    this.decoder.protocolVersion = this.version;
    this.session.connectionOpened(this.now);
    const s = this.take();
    assert.equal(s.packets.length, 1);
    const c = s.packets[0];
    assert.ok(c.type === 1);
    return c;
  }

  /** Feeds broker packets (one chunk each) and takes the output. */
  feed(...packets: Packet[]): Step {
    for (const p of packets) this.session.receive(encode(p, this.version), this.now);
    return this.take();
  }

  feedBytes(data: Uint8Array): Step {
    this.session.receive(data, this.now);
    return this.take();
  }

  connack(over: { sessionPresent?: boolean; reasonCode?: number; properties?: Properties } = {}): Step {
    const p: Packet = {
      type: 2,
      sessionPresent: over.sessionPresent ?? false,
      reasonCode: over.reasonCode ?? 0,
    };
    if (over.properties !== undefined) p.properties = over.properties;
    return this.feed(p);
  }

  /** Opens and gets a successful CONNACK. */
  connect(over: { sessionPresent?: boolean; properties?: Properties } = {}): Step {
    this.open();
    return this.connack(over);
  }

  close(): Step {
    this.session.connectionClosed(this.now);
    return this.take();
  }

  publish(
    topic: string,
    payload: string,
    qos: QoS = 0,
    extra: { retain?: boolean; properties?: Properties } = {},
  ) {
    const msg = {
      topic,
      payload: bytes(payload),
      qos,
      retain: extra.retain ?? false,
      properties: extra.properties,
    };
    if (extra.properties === undefined) delete msg.properties;
    return this.session.publish(msg, this.now);
  }

  tick(to: number): Step {
    this.now = to;
    this.session.tick(to);
    return this.take();
  }
}

export function publishes(s: Step): PublishPacket[] {
  return s.packets.filter((p): p is PublishPacket => p.type === 3);
}

export function types(s: Step): number[] {
  return s.packets.map((p) => p.type);
}

export function eventTypes(s: Step): string[] {
  return s.events.map((e) => e.type);
}

export function serverPublish(
  topic: string,
  payload: string,
  qos: QoS,
  packetId?: number,
  extra: Partial<PublishPacket> = {},
): PublishPacket {
  const p: PublishPacket = {
    type: 3,
    topic,
    payload: bytes(payload),
    qos,
    retain: false,
    dup: false,
    ...extra,
  };
  if (qos > 0) p.packetId = packetId ?? 1;
  return p;
}

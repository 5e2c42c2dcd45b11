/**
 * Fuzz target: a `Session` fed arbitrary broker bytes with commands interleaved, on a fake clock.
 *
 * Input: [level selector, then a stream of operations]. Each operation is one byte whose low nibble picks what
 * happens (below) and whose high nibble, with the bytes that follow, gives its arguments. A `close` event is
 * answered as the client would: `connectionClosed`, then a new connection. Invariants:
 * - no input method throws, and no command with valid arguments throws;
 * - a `close` carries no error, a `MalformedPacketError`, a `ProtocolViolationError` or a `SessionTimeoutError`,
 *   and the engine never logs an internal error;
 * - everything the engine writes decodes, on a broker-side decoder, to packets a client may send.
 */
import { PacketDecoder } from '../../src/packet/decoder.js';
import { encode } from '../../src/packet/encode.js';
import type { ProtocolVersion } from '../../src/packet/types.js';
import { SessionTimeoutError } from '../../src/session/errors.js';
import { Session } from '../../src/session/session.js';
import type { SessionOptions } from '../../src/session/types.js';
import { VECTORS } from '../packet/golden-vectors.js';
import {
  InvariantError,
  isExpectedInputError,
  unexpected,
  versionByte,
  versionOf,
  type FuzzTarget,
} from './target.js';

const RECEIVE = 0;
const CONNACK = 1;
const PUBLISH = 2;
const SUBSCRIBE = 3;
const UNSUBSCRIBE = 4;
const TICK = 5;
const ACK = 6;
const DISCONNECT = 7;
const RECONNECT = 8;
const WRITABLE = 9;
const VECTOR = 10;

/** Packet types a client sends: CONNECT, PUBLISH, PUBACK..PUBCOMP, SUBSCRIBE, UNSUBSCRIBE, PINGREQ, DISCONNECT, AUTH. */
const CLIENT_TYPES = new Set([1, 3, 4, 5, 6, 7, 8, 10, 12, 14, 15]);
/** An input holds at most this many operations (bounds the run time of one input). */
const MAX_OPERATIONS = 256;

function options(version: ProtocolVersion, flags: number): SessionOptions {
  return {
    protocolVersion: version,
    clientId: 'fuzz',
    cleanStart: (flags & 1) === 1,
    keepalive: 10,
    maxInflightMessages: 4,
    maxQueuedMessages: 8,
    maxQueuedBytes: 0,
    queueFullPolicy: (flags & 2) === 2 ? 'drop-oldest' : 'reject',
    manualAck: (flags & 4) === 4,
    resubscribe: true,
    maximumPacketSize: 2048,
    connackTimeoutMs: 5000,
    topicAliasMaximum: version === 5 ? 4 : 0,
    autoTopicAlias: version === 5 && (flags & 8) === 8,
  };
}

function run(input: Uint8Array): void {
  const version = versionOf(input[0]);
  const flags = input[1] ?? 0;
  const session = new Session(options(version, flags));
  const vectors = VECTORS.filter((v) => v.version === version && v.packet.type !== 1);
  const broker = new BrokerSide(version);
  let now = 1000;
  const call = (what: string, f: () => unknown): void => {
    try {
      f();
    } catch (err) {
      throw unexpected(what, err);
    }
    now = drain(session, broker, now);
  };
  call('connectionOpened', () => session.connectionOpened(now));
  let pos = 2;
  for (let n = 0; n < MAX_OPERATIONS && pos < input.length; n++) {
    const op = input[pos++];
    const arg = op >> 4;
    const next = (): number => input[pos++] ?? 0;
    switch (op & 0x0f) {
      case RECEIVE: {
        const len = next();
        const data = input.slice(pos, pos + len);
        pos += len;
        call('receive', () => session.receive(data, now));
        break;
      }
      case CONNACK: {
        const packet = { type: 2, sessionPresent: (arg & 1) === 1, reasonCode: 0 } as const;
        call('receive CONNACK', () => session.receive(encode(packet, version), now));
        break;
      }
      case PUBLISH: {
        const payload = new Uint8Array(next());
        const message = { topic: `t/${arg}`, payload, qos: (arg % 3) as 0 | 1 | 2, retain: arg > 12 };
        call('publish', () => session.publish(message, now));
        break;
      }
      case SUBSCRIBE:
        call('subscribe', () =>
          session.subscribe([{ topicFilter: `t/${arg}`, qos: (arg % 3) as 0 | 1 | 2 }], undefined, now),
        );
        break;
      case UNSUBSCRIBE:
        call('unsubscribe', () => session.unsubscribe([`t/${arg}`], undefined, now));
        break;
      case TICK:
        now += next() * 100 + arg;
        call('tick', () => session.tick(now));
        break;
      case ACK: {
        const id = (next() << 8) | next();
        call('ack', () => session.ack(id, (arg % 3) as 0 | 1 | 2, now));
        break;
      }
      case DISCONNECT:
        call('disconnect', () => session.disconnect(0, undefined, now));
        break;
      case RECONNECT:
        call('reconnect', () => {
          session.connectionClosed(now);
          session.connectionOpened(now);
        });
        break;
      case WRITABLE:
        call('transportWritable', () => session.transportWritable((arg & 1) === 0, now));
        break;
      case VECTOR: {
        const v = vectors[next() % vectors.length];
        if (v !== undefined) call('receive vector', () => session.receive(v.bytes, now));
        break;
      }
      default:
        call('receive byte', () => session.receive(Uint8Array.of(op), now));
    }
  }
}

/** Takes the engine's output, checks it, and answers a `close` the way the client does. */
function drain(session: Session, broker: BrokerSide, now: number): number {
  for (let round = 0; round < 4; round++) {
    const out = session.takeOutput();
    for (const chunk of out.data) broker.push(chunk);
    let closed = false;
    for (const e of out.events) {
      if (e.type === 'log' && e.level === 'error' && e.message.startsWith('internal error'))
        throw new InvariantError(`the engine logged: ${e.message}`);
      if (e.type === 'close') {
        if (
          e.error !== undefined &&
          !isExpectedInputError(e.error) &&
          !(e.error instanceof SessionTimeoutError)
        )
          throw unexpected('a close event', e.error);
        closed = true;
      }
    }
    if (!closed) return now;
    session.connectionClosed(now);
    now += 1;
    session.connectionOpened(now);
  }
  return now;
}

/** Decodes what the client writes, as a broker would; a new CONNECT starts a new connection. */
class BrokerSide {
  readonly #decoder: PacketDecoder;
  constructor(version: ProtocolVersion) {
    this.#decoder = new PacketDecoder({
      protocolVersion: version,
      onPacket: (p) => {
        if (!CLIENT_TYPES.has(p.type)) throw new InvariantError(`the client sent packet type ${p.type}`);
      },
    });
  }
  push(chunk: Uint8Array): void {
    // A CONNECT always opens a connection: the broker side starts over at each one.
    if (chunk[0] === 0x10) this.#decoder.reset();
    try {
      this.#decoder.push(chunk);
    } catch (err) {
      if (err instanceof InvariantError) throw err;
      throw unexpected('decoding what the client wrote', err);
    }
  }
}

function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const version of [3, 4, 5] as const) {
    const vb = versionByte(version);
    const vectors = VECTORS.filter((v) => v.version === version && v.packet.type !== 1);
    // Connected, then each broker packet of the golden vectors as raw bytes.
    const ops: number[] = [CONNACK, PUBLISH | (1 << 4), 3, SUBSCRIBE | (2 << 4), PUBLISH | (2 << 4), 1];
    for (const v of vectors.slice(0, 40)) {
      if (v.bytes.length > 255) continue;
      ops.push(RECEIVE, v.bytes.length, ...v.bytes);
    }
    out.push(Uint8Array.from([vb, 0, ...ops]));
    // Commands, time and reconnects around vectors.
    for (let flags = 0; flags < 16; flags += 5) {
      out.push(
        Uint8Array.from([
          vb,
          flags,
          CONNACK,
          PUBLISH | (2 << 4),
          8,
          VECTOR,
          3,
          TICK,
          200,
          RECONNECT,
          CONNACK | (1 << 4),
          VECTOR,
          9,
          ACK | (1 << 4),
          0,
          1,
          UNSUBSCRIBE | (2 << 4),
          WRITABLE | (1 << 4),
          PUBLISH,
          4,
          DISCONNECT,
        ]),
      );
    }
  }
  return out;
}

export const engineTarget: FuzzTarget = { name: 'engine', seeds, run };

/**
 * Byte-level MQTT over any transport, with our codec (`encode` / `PacketDecoder`): open a transport, send
 * packets, wait for the next packet of a type, and a full CONNECT → SUBSCRIBE → PUBLISH QoS 0/1/2 round trip.
 */
import assert from 'node:assert/strict';
import { encode, PacketDecoder, PacketType, type Packet, type QoS } from '../../src/packet/index.js';
import type { ConnectionError } from '../../src/transport/errors.js';
import { openTransport, type Transport, type TransportOptions } from '../../src/transport/transport.js';

const WAIT_MS = 5_000;

/** An MQTT 3.1.1 connection over a transport, driven packet by packet. */
export class RawMqtt {
  readonly received: Packet[] = [];
  closeError: ConnectionError | undefined;
  closed = false;
  #waiters: (() => void)[] = [];
  #transport: Transport | undefined;
  readonly #decoder = new PacketDecoder({
    protocolVersion: 4,
    onPacket: (packet) => {
      this.received.push(packet);
      this.#wake();
    },
  });

  get transport(): Transport {
    assert.ok(this.#transport !== undefined, 'not open');
    return this.#transport;
  }

  /** Opens the transport (handlers are filled in). */
  static async open(
    options: Omit<TransportOptions, 'handlers' | 'connectTimeoutMs'> & { connectTimeoutMs?: number },
  ): Promise<RawMqtt> {
    const raw = new RawMqtt();
    raw.#transport = await openTransport({
      connectTimeoutMs: 5_000,
      ...options,
      handlers: {
        onData: (chunk) => raw.#decoder.push(chunk),
        onDrain: () => undefined,
        onClose: (error) => {
          raw.closed = true;
          raw.closeError = error;
          raw.#wake();
        },
      },
    });
    return raw;
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  send(...packets: Packet[]): void {
    this.transport.write(packets.map((p) => encode(p, 4)));
  }

  /** Waits (bounded) until `predicate` holds. */
  async until(predicate: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Removes and returns the first received packet of `type` (waiting for it). */
  async next<T extends Packet['type']>(type: T): Promise<Extract<Packet, { type: T }>> {
    let index = -1;
    await this.until(() => {
      index = this.received.findIndex((p) => p.type === type);
      return index >= 0 || this.closed;
    }, `packet type ${type}`);
    if (index < 0)
      throw new Error(`connection closed while waiting for packet type ${type}: ${String(this.closeError)}`);
    const [packet] = this.received.splice(index, 1);
    return packet as Extract<Packet, { type: T }>;
  }

  /** Waits for the close (bounded). */
  async waitClosed(timeoutMs = WAIT_MS): Promise<ConnectionError | undefined> {
    await this.until(() => this.closed, 'the close', timeoutMs);
    return this.closeError;
  }

  /** CONNECT (3.1.1, clean) and CONNACK 0. */
  async connect(clientId: string, credentials?: { username: string; password: string }): Promise<void> {
    this.send({
      type: PacketType.CONNECT,
      protocolVersion: 4,
      cleanStart: true,
      keepalive: 30,
      clientId,
      ...(credentials === undefined
        ? {}
        : { username: credentials.username, password: new TextEncoder().encode(credentials.password) }),
    });
    const connack = await this.next(PacketType.CONNACK);
    assert.equal(connack.reasonCode, 0, 'CONNACK accepted');
  }
}

/**
 * CONNECT, SUBSCRIBE `topic` at QoS 2, PUBLISH at QoS 0, 1 and 2 to it (completing every flow both ways), check
 * the three messages come back, DISCONNECT and close.
 */
export async function roundTrip(raw: RawMqtt, clientId: string): Promise<void> {
  await raw.connect(clientId);
  const topic = `steady/${clientId}`;
  raw.send({ type: PacketType.SUBSCRIBE, packetId: 1, subscriptions: [{ topicFilter: topic, qos: 2 }] });
  const suback = await raw.next(PacketType.SUBACK);
  assert.deepEqual(suback.reasonCodes, [2]);
  const payloads = new Map<QoS, string>();
  for (const qos of [0, 1, 2] as const) {
    const payload = `qos ${qos} over ${raw.transport.kind}`;
    payloads.set(qos, payload);
    raw.send({
      type: PacketType.PUBLISH,
      topic,
      payload: new TextEncoder().encode(payload),
      qos,
      retain: false,
      dup: false,
      ...(qos > 0 ? { packetId: 10 + qos } : {}),
    });
    if (qos === 1) assert.equal((await raw.next(PacketType.PUBACK)).packetId, 11);
    if (qos === 2) {
      assert.equal((await raw.next(PacketType.PUBREC)).packetId, 12);
      raw.send({ type: PacketType.PUBREL, packetId: 12, reasonCode: 0 });
      assert.equal((await raw.next(PacketType.PUBCOMP)).packetId, 12);
    }
  }
  const got = new Map<number, string>();
  while (got.size < 3) {
    const publish = await raw.next(PacketType.PUBLISH);
    got.set(publish.qos, new TextDecoder().decode(publish.payload));
    if (publish.qos === 1)
      raw.send({ type: PacketType.PUBACK, packetId: publish.packetId ?? 0, reasonCode: 0 });
    if (publish.qos === 2) {
      raw.send({ type: PacketType.PUBREC, packetId: publish.packetId ?? 0, reasonCode: 0 });
      assert.equal((await raw.next(PacketType.PUBREL)).packetId, publish.packetId);
      raw.send({ type: PacketType.PUBCOMP, packetId: publish.packetId ?? 0, reasonCode: 0 });
    }
  }
  assert.deepEqual(got, payloads);
  raw.send({ type: PacketType.DISCONNECT, reasonCode: 0 });
  raw.transport.close();
  assert.equal(await raw.waitClosed(), undefined, 'clean close');
}

/**
 * Codec benchmark: steady-mqtt's encode/PacketDecoder against mqtt-packet's generate/parser, same process,
 * same inputs, several rounds. Run with `npm run bench:codec`. Prints ops/s and the ratio (ours / theirs).
 */
import mqttPacket from 'mqtt-packet';
import { encode, PacketDecoder, type Packet, type ProtocolVersion } from '../src/packet/index.js';

interface Case {
  name: string;
  version: ProtocolVersion;
  packets: Packet[];
}

const TOPIC = 'sensors/building-1/floor-2/room-3/temperature';

function payload(size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31) & 0xff;
  return b;
}

function publish(size: number, withProps: boolean): Packet {
  return {
    type: 3,
    topic: TOPIC,
    payload: payload(size),
    qos: 1,
    retain: false,
    dup: false,
    packetId: 42,
    ...(withProps
      ? {
          properties: {
            payloadFormatIndicator: 1,
            messageExpiryInterval: 3600,
            contentType: 'application/json',
            userProperties: [['trace-id', '4bf92f3577b34da6'] as const],
          },
        }
      : {}),
  };
}

const MIX: Packet[] = [
  publish(64, false),
  { type: 4, packetId: 1, reasonCode: 0 },
  {
    type: 3,
    topic: 'cmd/device-17/set',
    payload: payload(200),
    qos: 2,
    retain: false,
    dup: false,
    packetId: 2,
  },
  { type: 5, packetId: 2, reasonCode: 0 },
  { type: 6, packetId: 2, reasonCode: 0 },
  { type: 7, packetId: 2, reasonCode: 0 },
  { type: 3, topic: 'status/device-17', payload: payload(16), qos: 0, retain: true, dup: false },
  { type: 12 },
  { type: 13 },
  { type: 8, packetId: 3, subscriptions: [{ topicFilter: 'cmd/device-17/#', qos: 1 }] },
  { type: 9, packetId: 3, reasonCodes: [1] },
];

const CASES: Case[] = [];
for (const version of [4, 5] as const) {
  for (const size of [64, 1024, 65536]) {
    CASES.push({ name: `PUBLISH ${size} B v${version}`, version, packets: [publish(size, false)] });
    if (version === 5)
      CASES.push({ name: `PUBLISH ${size} B v5+props`, version, packets: [publish(size, true)] });
  }
  CASES.push({ name: `mix of 11 packets v${version}`, version, packets: MIX });
}

// ---- translation to mqtt-packet's shape --------------------------------------------------------------
type MpPacket = mqttPacket.Packet;

function toMqttPacket(p: Packet): MpPacket {
  switch (p.type) {
    case 3: {
      const props = p.properties;
      return {
        cmd: 'publish',
        topic: p.topic,
        payload: Buffer.from(p.payload.buffer, p.payload.byteOffset, p.payload.byteLength),
        qos: p.qos,
        retain: p.retain,
        dup: p.dup,
        messageId: p.packetId,
        ...(props
          ? {
              properties: {
                payloadFormatIndicator: props.payloadFormatIndicator === 1,
                messageExpiryInterval: props.messageExpiryInterval,
                contentType: props.contentType,
                userProperties: Object.fromEntries(props.userProperties ?? []),
              },
            }
          : {}),
      };
    }
    case 4:
      return { cmd: 'puback', messageId: p.packetId };
    case 5:
      return { cmd: 'pubrec', messageId: p.packetId };
    case 6:
      return { cmd: 'pubrel', messageId: p.packetId };
    case 7:
      return { cmd: 'pubcomp', messageId: p.packetId };
    case 8:
      return {
        cmd: 'subscribe',
        messageId: p.packetId,
        subscriptions: p.subscriptions.map((s) => ({ topic: s.topicFilter, qos: s.qos })),
      };
    case 9:
      return { cmd: 'suback', messageId: p.packetId, granted: p.reasonCodes };
    case 12:
      return { cmd: 'pingreq' };
    case 13:
      return { cmd: 'pingresp' };
    default:
      throw new Error(`not in the benchmark: ${p.type}`);
  }
}

// ---- measurement -----------------------------------------------------------------------------------------
const ROUND_MS = Number(process.env.ROUND_MS ?? 300);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

let sink = 0;

/** Runs fn(batch) repeatedly for ROUND_MS; returns packets per second. */
function measure(fn: () => number): number {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ROUND_MS) {
    for (let i = 0; i < 64; i++) ops += fn();
    now = performance.now();
  }
  return (ops * 1000) / (now - start);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : `${(n / 1e3).toFixed(1)} k`;
}

interface Row {
  name: string;
  ours: number;
  theirs: number;
  /** Median of the per-round ratios: each round runs both libraries back to back, so load drifts cancel. */
  ratio: number;
}

function row(name: string, ours: number[], theirs: number[]): Row {
  return {
    name,
    ours: median(ours),
    theirs: median(theirs),
    ratio: median(ours.map((o, i) => o / theirs[i])),
  };
}

function run(): void {
  const encodeRows: Row[] = [];
  const decodeRows: Row[] = [];
  for (const c of CASES) {
    const { version, packets } = c;
    const mpOpts = { protocolVersion: version };
    const mpPackets = packets.map(toMqttPacket);
    const oursEncode = (): number => {
      for (const p of packets) sink += encode(p, version).length;
      return packets.length;
    };
    const theirsEncode = (): number => {
      for (const p of mpPackets) sink += mqttPacket.generate(p, mpOpts).length;
      return packets.length;
    };
    // Decoding input: each packet in its own chunk, as most arrive from a socket.
    const wire = packets.map((p) => Buffer.from(encode(p, version)));
    let count = 0;
    const decoder = new PacketDecoder({ protocolVersion: version, onPacket: () => count++ });
    const parser = mqttPacket.parser(mpOpts);
    parser.on('packet', () => count++);
    parser.on('error', (e: Error) => {
      throw e;
    });
    const oursDecode = (): number => {
      for (const b of wire) decoder.push(b);
      return wire.length;
    };
    const theirsDecode = (): number => {
      for (const b of wire) parser.parse(b);
      return wire.length;
    };
    for (const f of [oursEncode, theirsEncode, oursDecode, theirsDecode]) for (let i = 0; i < 2000; i++) f(); // warm-up
    const e1: number[] = [];
    const e2: number[] = [];
    const d1: number[] = [];
    const d2: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      e1.push(measure(oursEncode));
      e2.push(measure(theirsEncode));
      d1.push(measure(oursDecode));
      d2.push(measure(theirsDecode));
    }
    encodeRows.push(row(c.name, e1, e2));
    decodeRows.push(row(c.name, d1, d2));
    sink += count;
  }
  for (const [title, rows] of [
    ['encode', encodeRows],
    ['decode', decodeRows],
  ] as const) {
    console.log(
      `\n${title} (packets/s, median of ${ROUNDS} rounds of ${ROUND_MS} ms; ratio = median of per-round ratios)`,
    );
    console.log(`| case | steady-mqtt | mqtt-packet | ratio |`);
    console.log(`|---|---:|---:|---:|`);
    for (const r of rows) {
      console.log(`| ${r.name} | ${fmt(r.ours)} | ${fmt(r.theirs)} | ${r.ratio.toFixed(2)}x |`);
    }
  }
  if (sink === -1) console.log(sink);
}

console.log(`node ${process.version}, ${process.arch}`);
run();

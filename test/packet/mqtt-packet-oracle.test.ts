/**
 * Cross-check against mqtt-packet, an independent implementation: our encoding parsed by mqtt-packet, and
 * mqtt-packet's encoding decoded by us, give the same packets, for random packets of every type (3.1.1, 5.0).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import mqttPacket from 'mqtt-packet';
import { encode, type Packet, type ProtocolVersion } from '../../src/packet/index.js';
import { packetArb } from './arbitraries.js';
import { decodeChunks, normalize } from './helpers.js';
import { canonical, fromMqttPacket, toMqttPacket } from './mqtt-packet-shape.js';

const RUNS = 250;

/**
 * Packets both libraries can represent. mqtt-packet keeps user properties in an object and drops a value
 * that is the empty string when its name repeats, so names are made unique here; and it cannot generate an
 * MQTT 5 UNSUBACK without reason codes (one per filter, so never empty in practice), nor a CONNECT with an
 * empty client id and no clean session (a server rejects it, [MQTT-3.1.3-8]), nor an MQTT 5 password without
 * a user name (which MQTT 5 allows), an MQTT 5 CONNECT in bridge mode (it writes level 3), or DISCONNECT
 * 0x8C Bad authentication method (missing from its DISCONNECT table; Table 2-6 lists it). Nor can it parse the
 * short AUTH `F0 00` (Success, no properties: §3.15.2.1 allows leaving both out), which it reads as an invalid
 * reason code.
 */
function oracleArb(version: ProtocolVersion): fc.Arbitrary<Packet> {
  const arb = packetArb(version).filter(
    (p) =>
      !(version === 5 && p.type === 11 && p.reasonCodes.length === 0) &&
      !(p.type === 1 && p.clientId === '' && !p.cleanStart) &&
      !(p.type === 1 && p.password !== undefined && p.username === undefined) &&
      !(version === 5 && p.type === 1 && p.bridgeMode === true) &&
      !(p.type === 14 && p.reasonCode === 0x8c) &&
      !(
        p.type === 15 &&
        p.reasonCode === 0 &&
        (p.properties === undefined || Object.keys(p.properties).length === 0)
      ),
  );
  return arb.map((p) => {
    const dedupe = (props: Record<string, unknown> | undefined): void => {
      const pairs = props?.userProperties as [string, string][] | undefined;
      if (props && pairs)
        props.userProperties = pairs.filter(([k], i) => pairs.findIndex(([k2]) => k2 === k) === i);
    };
    if ('properties' in p) dedupe(p.properties as Record<string, unknown> | undefined);
    if (p.type === 1) dedupe(p.will?.properties as Record<string, unknown> | undefined);
    return p;
  });
}

function parseWithMqttPacket(bytes: Uint8Array, version: ProtocolVersion): mqttPacket.Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: version });
  const out: mqttPacket.Packet[] = [];
  let error: Error | undefined;
  parser.on('packet', (p) => out.push(p));
  parser.on('error', (e: Error) => {
    error = e;
  });
  parser.parse(Buffer.from(bytes));
  if (error) throw error;
  return out;
}

void describe('cross-check with mqtt-packet', () => {
  for (const version of [4, 5] as ProtocolVersion[]) {
    void test(`v${version}: mqtt-packet parses what we encode`, () => {
      fc.assert(
        fc.property(oracleArb(version), (p) => {
          const parsed = parseWithMqttPacket(encode(p, version), version);
          assert.equal(parsed.length, 1);
          assert.deepEqual(normalize(canonical(fromMqttPacket(parsed[0], version))), normalize(canonical(p)));
        }),
        { numRuns: RUNS },
      );
    });

    void test(`v${version}: we decode what mqtt-packet generates`, () => {
      fc.assert(
        fc.property(oracleArb(version), (p) => {
          const bytes = mqttPacket.generate(toMqttPacket(p, version), { protocolVersion: version });
          const decoded = decodeChunks([new Uint8Array(bytes)], version);
          assert.equal(decoded.length, 1);
          assert.deepEqual(normalize(canonical(decoded[0])), normalize(canonical(p)));
        }),
        { numRuns: RUNS },
      );
    });
  }
});

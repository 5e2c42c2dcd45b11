/**
 * A randomized model test (seeded, deterministic): publishes, acknowledgements, dropped connections and session
 * losses in random order, against a fake broker that checks the protocol, with every store op applied to a
 * MemoryStore. At the end every accepted message has been reported exactly once, and nothing was lost.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { Packet } from '../../src/packet/types.js';
import { Harness, options, type Step } from './helpers.js';

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface BrokerMsg {
  qos: 1 | 2;
  /** 'published': PUBLISH seen, no ack yet; 'pubrec': PUBREC sent; 'acked': PUBACK/PUBCOMP sent. */
  state: 'published' | 'pubrec';
}

function run(seed: number, version: 4 | 5): void {
  const random = rng(seed);
  const receiveMaximum = 1 + Math.floor(random() * 5);
  const maxInflight = Math.floor(random() * 6); // 0 = unlimited
  const window = Math.min(maxInflight === 0 ? 65535 : maxInflight, version === 5 ? receiveMaximum : 65535);
  const opts = options({ protocolVersion: version, maxInflightMessages: maxInflight });
  let h = new Harness(opts);
  const store = new MemoryStore();
  let connected = false;
  // broker side, per session
  let session = new Map<number, BrokerMsg>();
  let onWire = new Set<number>(); // ids the client has outstanding on this connection (for the window check)
  // A mid may be used again once its message finished (a restarted engine counts from 1 again): track instances.
  const current = new Map<number, number>(); // mid -> message instance
  const reports: number[] = []; // instance -> times reported ('published' or 'dropped')
  const unfinishedMids = (): number[] => [...current].filter(([, i]) => reports[i] === 0).map(([m]) => m);
  let lastSeqByConnection: number[] = [];
  const seqOfMid = new Map<number, number>();
  let seq = 0;

  const handle = (s: Step): void => {
    store.apply('k', s.ops);
    for (const p of s.packets) brokerReceives(p);
    for (const e of s.events) {
      if (e.type === 'published' || e.type === 'dropped') {
        const instance = current.get(e.mid);
        assert.ok(instance !== undefined, `report for unknown mid ${e.mid}`);
        reports[instance]++;
        if (e.type === 'published') assert.equal(e.reasonCode, 0);
      }
    }
    // the store mirrors the engine
    const stored = store.load('k').outgoing;
    const unfinished = unfinishedMids().sort((a, b) => seqOfMid.get(a)! - seqOfMid.get(b)!);
    assert.deepEqual(
      stored.map((r) => r.packetId),
      unfinished,
      `seed ${seed}: store and engine disagree`,
    );
    // a PUBREC the broker sent is in the store (a restart must send PUBREL, never the PUBLISH)
    for (const r of stored) {
      assert.equal(
        r.state === 'pubrec',
        session.get(r.packetId)?.state === 'pubrec',
        `seed ${seed}: state of ${r.packetId}`,
      );
    }
  };

  const brokerReceives = (p: Packet): void => {
    if (p.type === 3) {
      assert.ok(p.qos === 1 || p.qos === 2);
      const id = p.packetId!;
      const known = session.get(id);
      // never a PUBLISH after its PUBREC (within the broker's session)
      assert.ok(known?.state !== 'pubrec', `seed ${seed}: PUBLISH ${id} after PUBREC`);
      if (known !== undefined) assert.equal(p.dup, true, `seed ${seed}: resend of ${id} without DUP`);
      // resends and first sends go in seq order on a connection
      const s = seqOfMid.get(id)!;
      if (lastSeqByConnection.length > 0)
        assert.ok(s > lastSeqByConnection.at(-1)!, `seed ${seed}: out of order`);
      lastSeqByConnection.push(s);
      session.set(id, { qos: p.qos, state: 'published' });
      onWire.add(id);
    } else if (p.type === 6) {
      const known = session.get(p.packetId);
      assert.ok(known?.state === 'pubrec', `seed ${seed}: PUBREL ${p.packetId} without PUBREC`);
      onWire.add(p.packetId);
    }
    assert.ok(onWire.size <= window, `seed ${seed}: ${onWire.size} in flight, window ${window}`);
  };

  const connect = (sessionPresent: boolean): void => {
    if (!sessionPresent) session = new Map();
    onWire = new Set();
    lastSeqByConnection = [];
    h.open();
    handle(h.connack({ sessionPresent, properties: version === 5 ? { receiveMaximum } : undefined }));
    connected = true;
  };

  connect(false);
  for (let step = 0; step < 300; step++) {
    const r = random();
    if (r < 0.35) {
      const qos = random() < 0.5 ? 1 : 2;
      const t = h.publish('t', String(step), qos);
      assert.equal(t.rc, 0);
      assert.ok(
        current.get(t.mid) === undefined || reports[current.get(t.mid)!] === 1,
        'a mid in use handed out',
      );
      current.set(t.mid, reports.length);
      reports.push(0);
      seqOfMid.set(t.mid, ++seq);
      handle(h.take());
    } else if (r < 0.8 && connected && onWire.size > 0) {
      // the broker answers one outstanding packet
      const ids = [...onWire];
      const id = ids[Math.floor(random() * ids.length)];
      const m = session.get(id)!;
      let reply: Packet;
      if (m.qos === 1) {
        reply = { type: 4, packetId: id, reasonCode: 0 };
        session.delete(id);
        onWire.delete(id);
      } else if (m.state === 'published') {
        reply = { type: 5, packetId: id, reasonCode: 0 };
        m.state = 'pubrec';
        onWire.delete(id); // until the PUBREL comes
      } else {
        reply = { type: 7, packetId: id, reasonCode: 0 };
        session.delete(id);
        onWire.delete(id);
      }
      handle(h.feed(reply));
    } else if (r < 0.87 && connected) {
      handle(h.close());
      connected = false;
    } else if (r < 0.9) {
      // the process crashes: a new engine from what the store holds
      h = new Harness(opts, store.load('k'));
      connected = false;
    } else if (!connected) {
      connect(random() < 0.85);
    }
  }
  // Drain: reconnect with the session and acknowledge everything until nothing is left.
  if (!connected) connect(true);
  for (let guard = 0; guard < 10_000 && unfinishedMids().length > 0; guard++) {
    const id = [...onWire][0];
    assert.ok(id !== undefined, `seed ${seed}: stuck with nothing in flight`);
    const m = session.get(id)!;
    if (m.qos === 1 || m.state === 'pubrec') {
      session.delete(id);
      onWire.delete(id);
      handle(h.feed({ type: m.qos === 1 ? 4 : 7, packetId: id, reasonCode: 0 }));
    } else {
      m.state = 'pubrec';
      onWire.delete(id);
      handle(h.feed({ type: 5, packetId: id, reasonCode: 0 }));
    }
  }
  reports.forEach((n, i) => assert.equal(n, 1, `seed ${seed}: message ${i} reported ${n} times`));
  assert.deepEqual(store.load('k').outgoing, []);
}

void describe('model: random flows against a checking broker', () => {
  for (let seed = 1; seed <= 40; seed++) {
    void test(`seed ${seed}`, () => run(seed, seed % 3 === 0 ? 4 : 5));
  }
});

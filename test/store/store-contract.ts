/**
 * The contract every `Store` must pass (src/store/types.ts), run by each implementation's test file:
 *
 *   runStoreContract('MemoryStore', async () => ({ store: new MemoryStore(), cleanup: async () => {} }));
 *
 * `makeStore` gives a fresh, empty store. `reopen`, when given, closes the store last returned (by `makeStore` or
 * an earlier `reopen`) and returns a new one over the same storage: the suite then also checks durability.
 * `cleanup` closes whatever store is open and removes the storage.
 *
 * What the contract fixes (and docs/persistence.md states):
 * - `load` of an unknown key is an empty session with no identity; outgoing records come back in `seq` order.
 *   The order of incoming ids and of subscriptions is not part of the contract (the suite sorts them).
 * - A put replaces what has the same packet id / topic filter; deleting something absent and putting an incoming
 *   id twice are no-ops; `clear` empties one key only; keys are isolated from each other.
 * - A batch with an invalid op applies nothing and fails with a `StoreError` (code `ERR_MQTT_STORE`): the suite
 *   uses `setOutgoingState` for a packet id with no record, a packet id outside 1..65535, a qos of 3 on an
 *   outgoing record and an unknown op kind (the full list is in src/store/sqlite/validate.ts).
 * - Payloads and properties (binary ones included) come back with identical bytes and values; a payload is a
 *   `Uint8Array` (a `Buffer` is one). Keys whose value is `undefined` count as absent.
 * - After `close()`, `apply()` fails with a `StoreError`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MqttError } from '../../src/errors.js';
import type { Properties } from '../../src/packet/types.js';
import type {
  OutgoingRecord,
  SessionIdentity,
  Store,
  StoredSession,
  StoredSubscription,
  StoreOp,
} from '../../src/store/types.js';

/** What `makeStore` gives the suite. */
export interface StoreFixture {
  store: Store;
  reopen?: () => Promise<Store>;
  cleanup: () => Promise<void>;
}

/** Registers the contract suite for one `Store` implementation. */
export function runStoreContract(name: string, makeStore: () => Promise<StoreFixture>): void {
  const run = async (fn: (f: StoreFixture) => Promise<void>): Promise<void> => {
    const fixture = await makeStore();
    try {
      await fn(fixture);
    } finally {
      await fixture.cleanup();
    }
  };

  void describe(`Store contract: ${name}`, () => {
    void test('an unknown key loads as an empty session without identity', () =>
      run(async ({ store }) => {
        same(await store.load('nobody'), { outgoing: [], incomingQos2: [], subscriptions: [] });
        await store.apply('nobody', []);
        same(await store.load('nobody'), { outgoing: [], incomingQos2: [], subscriptions: [] });
      }));

    void test('outgoing: put, update state, replace and delete keep seq order', () =>
      run(async ({ store }) => {
        await store.apply('c', [put(30, 3), put(10, 1), put(20, 2, { qos: 2 })]);
        same(await store.load('c'), session([rec(10, 1), rec(20, 2, { qos: 2 }), rec(30, 3)]));
        await store.apply('c', [
          { kind: 'setOutgoingState', packetId: 2, state: 'pubrec' },
          { kind: 'setOutgoingState', packetId: 1, state: 'queued' },
        ]);
        same(
          await store.load('c'),
          session([rec(10, 1, { state: 'queued' }), rec(20, 2, { qos: 2, state: 'pubrec' }), rec(30, 3)]),
        );
        // A put with a known packet id replaces the record, seq included; deleting an absent id is a no-op.
        await store.apply('c', [put(40, 1, { topic: 'again' }), { kind: 'deleteOutgoing', packetId: 3 }]);
        await store.apply('c', [{ kind: 'deleteOutgoing', packetId: 999 }]);
        same(
          await store.load('c'),
          session([rec(20, 2, { qos: 2, state: 'pubrec' }), rec(40, 1, { topic: 'again' })]),
        );
      }));

    void test('incoming QoS 2 ids: put is idempotent, delete of an absent id is a no-op', () =>
      run(async ({ store }) => {
        await store.apply('c', [
          { kind: 'putIncoming', packetId: 7 },
          { kind: 'putIncoming', packetId: 65535 },
          { kind: 'putIncoming', packetId: 1 },
          { kind: 'putIncoming', packetId: 7 },
        ]);
        same(await store.load('c'), { outgoing: [], incomingQos2: [1, 7, 65535], subscriptions: [] });
        await store.apply('c', [
          { kind: 'deleteIncoming', packetId: 7 },
          { kind: 'deleteIncoming', packetId: 8 },
        ]);
        same(await store.load('c'), { outgoing: [], incomingQos2: [1, 65535], subscriptions: [] });
      }));

    void test('subscriptions: put, replace (every field), delete', () =>
      run(async ({ store }) => {
        const full: StoredSubscription = {
          topicFilter: 'a/+/c',
          qos: 2,
          noLocal: true,
          retainAsPublished: false,
          retainHandling: 2,
          properties: {
            subscriptionIdentifiers: [268435455],
            userProperties: [
              ['k', 'v'],
              ['k', 'w'],
            ],
          },
        };
        await store.apply('c', [
          sub({ topicFilter: '#', qos: 0 }),
          sub(full),
          sub({ topicFilter: 'x', qos: 1 }),
        ]);
        same(await store.load('c'), {
          outgoing: [],
          incomingQos2: [],
          subscriptions: [{ topicFilter: '#', qos: 0 }, full, { topicFilter: 'x', qos: 1 }],
        });
        await store.apply('c', [
          sub({ topicFilter: 'a/+/c', qos: 1 }),
          { kind: 'deleteSubscription', topicFilter: '#' },
          { kind: 'deleteSubscription', topicFilter: 'never' },
        ]);
        same(await store.load('c'), {
          outgoing: [],
          incomingQos2: [],
          subscriptions: [
            { topicFilter: 'a/+/c', qos: 1 },
            { topicFilter: 'x', qos: 1 },
          ],
        });
      }));

    void test('identity: set and replace', () =>
      run(async ({ store }) => {
        const first: SessionIdentity = {
          broker: 'mqtt://h:1883',
          clientId: 'c1',
          protocolVersion: 4,
          sessionExpiryInterval: 0xffffffff,
        };
        const second: SessionIdentity = {
          broker: 'mqtts://h:8883',
          clientId: 'c1',
          protocolVersion: 5,
          sessionExpiryInterval: 60,
        };
        await store.apply('c', [{ kind: 'setIdentity', identity: first }]);
        same(await store.load('c'), { identity: first, outgoing: [], incomingQos2: [], subscriptions: [] });
        await store.apply('c', [{ kind: 'setIdentity', identity: second }]);
        same(await store.load('c'), { identity: second, outgoing: [], incomingQos2: [], subscriptions: [] });
      }));

    void test('clear empties one key only, and later ops of the same batch apply', () =>
      run(async ({ store }) => {
        await store.apply('a', fullBatch());
        await store.apply('b', fullBatch());
        const before = await store.load('b');
        await store.apply('a', [{ kind: 'clear' }, put(99, 9)]);
        same(await store.load('a'), session([rec(99, 9)]));
        same(await store.load('b'), before);
      }));

    void test('several keys are isolated (same packet ids, filters, identities)', () =>
      run(async ({ store }) => {
        await store.apply('a', [put(1, 1, { topic: 'from-a' }), { kind: 'putIncoming', packetId: 1 }]);
        await store.apply('b', [put(1, 1, { topic: 'from-b' }), sub({ topicFilter: 't', qos: 1 })]);
        await store.apply('b', [{ kind: 'deleteOutgoing', packetId: 1 }]);
        same(await store.load('a'), {
          outgoing: [rec(1, 1, { topic: 'from-a' })],
          incomingQos2: [1],
          subscriptions: [],
        });
        same(await store.load('b'), {
          outgoing: [],
          incomingQos2: [],
          subscriptions: [{ topicFilter: 't', qos: 1 }],
        });
      }));

    const invalid: [string, StoreOp][] = [
      [
        'setOutgoingState for an unknown packet id',
        { kind: 'setOutgoingState', packetId: 4242, state: 'pubrec' },
      ],
      ['a packet id of 0', put(5, 0)],
      ['a packet id above 65535', { kind: 'putIncoming', packetId: 65536 }],
      ['an outgoing qos of 3', { kind: 'putOutgoing', record: { ...rec(5, 5), qos: 3 as 1 } }],
      ['an unknown op kind', { kind: 'frobnicate' } as unknown as StoreOp],
    ];
    for (const [what, bad] of invalid) {
      void test(`atomicity: a batch with ${what} applies nothing and throws a StoreError`, () =>
        run(async ({ store }) => {
          await store.apply('c', fullBatch());
          const before = await store.load('c');
          const batch: StoreOp[] = [
            { kind: 'deleteOutgoing', packetId: 1 },
            put(50, 50),
            { kind: 'putIncoming', packetId: 77 },
            bad,
            { kind: 'clear' },
          ];
          await assert.rejects(async () => {
            await store.apply('c', batch);
          }, isStoreError);
          same(await store.load('c'), before);
          await store.apply('c', [put(60, 60)]); // the store still works
          assert.equal((await store.load('c')).outgoing.at(-1)?.packetId, 60);
        }));
    }

    void test('payloads and properties round-trip byte for byte', () =>
      run(async (fixture) => {
        const all = new Uint8Array(256).map((_, i) => i);
        const big = new Uint8Array(1 << 20).map((_, i) => (i * 31) & 0xff);
        const sliced = Buffer.from('xxhello, wörld\u0000yy').subarray(2, 16);
        const props: Properties = {
          payloadFormatIndicator: 1,
          messageExpiryInterval: 0xffffffff,
          contentType: 'application/json; charset=utf-8',
          responseTopic: 'réponse/😀',
          correlationData: new Uint8Array([0, 1, 254, 255, 0x7b, 0x22]),
          userProperties: [
            ['dup', '1'],
            ['dup', '2'],
            ['', ''],
            ['ключ', '值 \u0000'],
          ],
          subscriptionIdentifiers: [1, 268435455],
        };
        const records = [
          rec(1, 1, { payload: all, properties: props }),
          rec(2, 2, { payload: new Uint8Array(0), properties: {} }),
          rec(3, 3, { payload: big, retain: true, topic: 'ünï/cødé/😀' }),
          rec(4, 4, {
            payload: sliced,
            properties: { authenticationData: Buffer.from([1, 2, 3]), correlationData: new Uint8Array(0) },
          }),
        ];
        await fixture.store.apply(
          'c',
          records.map((record): StoreOp => ({ kind: 'putOutgoing', record })),
        );
        const check = async (store: Store): Promise<void> => {
          const loaded = await store.load('c');
          for (const r of loaded.outgoing)
            assert.ok(r.payload instanceof Uint8Array, 'payload is a Uint8Array');
          assert.ok(loaded.outgoing[0].properties?.correlationData instanceof Uint8Array);
          assert.equal(Buffer.from(loaded.outgoing[3].payload).toString(), 'hello, wörld\u0000');
          same(loaded, session(records));
        };
        await check(fixture.store);
        if (fixture.reopen) await check(await fixture.reopen());
      }));

    void test('random op sequences match a reference model', async () => {
      const fixture = await makeStore();
      let store = fixture.store;
      let runId = 0;
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(batchArb, { minLength: 1, maxLength: 12 }), async (batches) => {
            runId += 1;
            const model = new Model();
            const keys = [`run${runId}-a`, `run${runId}-b`];
            let seq = 0;
            for (const { keyIndex, ops: templates } of batches) {
              const key = keys[keyIndex];
              const ops = templates.map((t) =>
                t.kind === 'putOutgoing' ? { kind: t.kind, record: { ...t.record, seq: ++seq } } : t,
              );
              const ok = model.apply(key, ops);
              if (ok) await store.apply(key, ops);
              else
                await assert.rejects(async () => {
                  await store.apply(key, ops);
                }, isStoreError);
              same(await store.load(key), model.load(key));
            }
            if (fixture.reopen) store = await fixture.reopen();
            for (const key of keys) same(await store.load(key), model.load(key));
          }),
          { numRuns: 60 },
        );
      } finally {
        await fixture.cleanup();
      }
    });

    void test('apply() after close() throws a StoreError', () =>
      run(async ({ store }) => {
        await store.close();
        await assert.rejects(async () => {
          await store.apply('c', [put(1, 1)]);
        }, isStoreError);
      }));

    void test('durability: state survives closing and reopening', (t) =>
      run(async (fixture) => {
        if (!fixture.reopen) return t.skip('this store has no durable storage (no reopen)');
        await fixture.store.apply('a', fullBatch());
        await fixture.store.apply('b', [
          put(5, 5),
          { kind: 'setOutgoingState', packetId: 5, state: 'pubrec' },
        ]);
        const a = await fixture.store.load('a');
        const b = await fixture.store.load('b');
        const reopened = await fixture.reopen();
        same(await reopened.load('a'), a);
        same(await reopened.load('b'), b);
        assert.ok(a.outgoing.length > 0 && a.identity !== undefined);
      }));
  });
}

// ---- builders ------------------------------------------------------------------------------------------------

function rec(seq: number, packetId: number, over: Partial<OutgoingRecord> = {}): OutgoingRecord {
  return {
    seq,
    packetId,
    qos: 1,
    topic: `t/${packetId}`,
    payload: new Uint8Array([seq & 0xff, packetId & 0xff]),
    retain: false,
    state: 'sent',
    ...over,
  };
}

function put(seq: number, packetId: number, over: Partial<OutgoingRecord> = {}): StoreOp {
  return { kind: 'putOutgoing', record: rec(seq, packetId, over) };
}

function sub(subscription: StoredSubscription): StoreOp {
  return { kind: 'putSubscription', subscription };
}

function session(outgoing: OutgoingRecord[]): StoredSession {
  return { outgoing, incomingQos2: [], subscriptions: [] };
}

function fullBatch(): StoreOp[] {
  return [
    {
      kind: 'setIdentity',
      identity: {
        broker: 'mqtt://localhost:1883',
        clientId: 'me',
        protocolVersion: 5,
        sessionExpiryInterval: 3600,
      },
    },
    put(1, 1, { properties: { correlationData: new Uint8Array([1, 2]) } }),
    put(2, 2, { qos: 2, state: 'pubrec' }),
    put(3, 3, { state: 'queued' }),
    { kind: 'putIncoming', packetId: 11 },
    sub({ topicFilter: 'a/#', qos: 2, noLocal: true }),
  ];
}

// ---- comparison ----------------------------------------------------------------------------------------------

/** A StoredSession in a canonical form: Uint8Arrays as plain copies, undefined keys dropped, unordered parts sorted. */
function canonical(s: StoredSession): unknown {
  return plain({
    ...s,
    incomingQos2: [...s.incomingQos2].sort((x, y) => x - y),
    subscriptions: [...s.subscriptions].sort((x, y) =>
      x.topicFilter < y.topicFilter ? -1 : x.topicFilter > y.topicFilter ? 1 : 0,
    ),
  });
}

function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return new Uint8Array(value);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}

function same(actual: StoredSession, expected: StoredSession): void {
  assert.deepStrictEqual(canonical(actual), canonical(expected));
}

function isStoreError(err: unknown): boolean {
  assert.ok(err instanceof MqttError, `expected a StoreError, got ${String(err)}`);
  assert.equal(err.code, 'ERR_MQTT_STORE');
  return true;
}

// ---- the reference model and the random ops ------------------------------------------------------------------

interface ModelSession {
  identity?: SessionIdentity;
  outgoing: Map<number, OutgoingRecord>;
  incoming: Set<number>;
  subscriptions: Map<string, StoredSubscription>;
}

class Model {
  readonly #sessions = new Map<string, ModelSession>();

  /** Applies `ops` to `key` all or nothing; returns false (and changes nothing) when one is invalid. */
  apply(key: string, ops: readonly StoreOp[]): boolean {
    const old = this.#sessions.get(key);
    const s: ModelSession = {
      identity: old?.identity,
      outgoing: new Map(old?.outgoing),
      incoming: new Set(old?.incoming),
      subscriptions: new Map(old?.subscriptions),
    };
    for (const op of ops) {
      switch (op.kind) {
        case 'putOutgoing':
          s.outgoing.set(op.record.packetId, op.record);
          break;
        case 'setOutgoingState': {
          const r = s.outgoing.get(op.packetId);
          if (r === undefined) return false;
          s.outgoing.set(op.packetId, { ...r, state: op.state });
          break;
        }
        case 'deleteOutgoing':
          s.outgoing.delete(op.packetId);
          break;
        case 'putIncoming':
          s.incoming.add(op.packetId);
          break;
        case 'deleteIncoming':
          s.incoming.delete(op.packetId);
          break;
        case 'putSubscription':
          s.subscriptions.set(op.subscription.topicFilter, op.subscription);
          break;
        case 'deleteSubscription':
          s.subscriptions.delete(op.topicFilter);
          break;
        case 'setIdentity':
          s.identity = op.identity;
          break;
        case 'clear':
          s.identity = undefined;
          s.outgoing.clear();
          s.incoming.clear();
          s.subscriptions.clear();
          break;
      }
    }
    this.#sessions.set(key, s);
    return true;
  }

  load(key: string): StoredSession {
    const s = this.#sessions.get(key);
    return {
      identity: s?.identity,
      outgoing: [...(s?.outgoing.values() ?? [])].sort((x, y) => x.seq - y.seq),
      incomingQos2: [...(s?.incoming ?? [])],
      subscriptions: [...(s?.subscriptions.values() ?? [])],
    };
  }
}

const text = fc.string({ unit: 'grapheme', maxLength: 8 });
const propertiesArb: fc.Arbitrary<Properties> = fc.record(
  {
    payloadFormatIndicator: fc.constantFrom(0, 1),
    messageExpiryInterval: fc.integer({ min: 0, max: 0xffffffff }),
    contentType: text,
    responseTopic: text,
    correlationData: fc.uint8Array({ maxLength: 16 }),
    userProperties: fc.array(fc.tuple(text, text), { maxLength: 3 }),
    subscriptionIdentifiers: fc.array(fc.integer({ min: 1, max: 268435455 }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const packetIdArb = fc.integer({ min: 1, max: 6 });
const stateArb = fc.constantFrom('queued' as const, 'sent' as const, 'pubrec' as const);
const filterArb = fc.constantFrom('a', 'a/+', '#', 'b/c', 'ünï/😀');

const opArb: fc.Arbitrary<StoreOp> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('putOutgoing' as const),
      record: fc.record(
        {
          seq: fc.constant(0), // replaced by the runner with an increasing counter
          packetId: packetIdArb,
          qos: fc.constantFrom(1 as const, 2 as const),
          topic: text,
          payload: fc.uint8Array({ maxLength: 32 }),
          retain: fc.boolean(),
          properties: propertiesArb,
          state: stateArb,
        },
        { requiredKeys: ['seq', 'packetId', 'qos', 'topic', 'payload', 'retain', 'state'] },
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('setOutgoingState' as const),
      packetId: packetIdArb,
      state: stateArb,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('deleteOutgoing' as const), packetId: packetIdArb }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('putIncoming' as const), packetId: packetIdArb }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('deleteIncoming' as const), packetId: packetIdArb }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('putSubscription' as const),
      subscription: fc.record(
        {
          topicFilter: filterArb,
          qos: fc.constantFrom(0 as const, 1 as const, 2 as const),
          noLocal: fc.boolean(),
          retainAsPublished: fc.boolean(),
          retainHandling: fc.constantFrom(0 as const, 1 as const, 2 as const),
          properties: propertiesArb,
        },
        { requiredKeys: ['topicFilter', 'qos'] },
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deleteSubscription' as const), topicFilter: filterArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('setIdentity' as const),
      identity: fc.record({
        broker: text,
        clientId: text,
        protocolVersion: fc.constantFrom(3 as const, 4 as const, 5 as const),
        sessionExpiryInterval: fc.integer({ min: 0, max: 0xffffffff }),
      }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

const batchArb = fc.record({
  keyIndex: fc.integer({ min: 0, max: 1 }),
  ops: fc.array(opArb, { minLength: 0, maxLength: 6 }),
});

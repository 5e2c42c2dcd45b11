/**
 * The reconnect back-off goes back to its minimum only after a connection that stayed up STABLE_CONNECTION_MS or
 * delivered a message or a SUBACK/UNSUBACK
 * (src/client/backoff.ts), not after every CONNACK. A broker that accepts the CONNECT and then drops the
 * connection (RabbitMQ drops it at SUBSCRIBE while the node holding the client's queue is down) must get
 * attempts spaced by the growing back-off, not a busy loop at the minimum delay.
 *   - on the in-memory transport with a fake clock: the exact sequence of delays;
 *   - on the scripted fake broker over loopback: a bound on the attempts over a window.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ReconnectBackoff, STABLE_CONNECTION_MS } from '../../src/client/backoff.js';
import { connectionOf } from '../../src/client/client.js';
import { RUNTIME } from '../../src/client/runtime.js';
import { CallbackAPIVersion, Client, MQTTProtocolVersion } from '../../src/index.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker } from '../support/fake-broker.js';
import { MemoryBroker, settle } from '../support/memory-transport.js';
import { recordingClient, sleep, type Recorder } from './helpers.js';

function memoryClient(broker: MemoryBroker): Client<unknown> {
  // A variable, as in connection-state.test.ts: the runtime is a hidden option, not part of ClientOptions.
  const withRuntime = {
    protocol: MQTTProtocolVersion.MQTTv311,
    reconnectJitter: 0,
    [RUNTIME]: broker.runtime,
  };
  const client = new Client(CallbackAPIVersion.VERSION2, withRuntime);
  client.reconnectDelaySet(1, 8);
  return client;
}

/** The delay the client waits after the connection it has now is cut `upMs` after its CONNACK. */
async function cutAfter(broker: MemoryBroker, client: Client<unknown>, upMs: number): Promise<number> {
  await settle();
  assert.equal(client.isConnected(), true, 'connected before the cut');
  await broker.clock.advance(upMs);
  broker.last.cut();
  await settle();
  const state = connectionOf(client).state;
  assert.equal(state.kind, 'waiting');
  if (state.kind !== 'waiting') return -1;
  await broker.clock.advance(state.delayMs);
  return state.delayMs;
}

const clients: Recorder[] = [];
const brokers: FakeBroker[] = [];
void after(async () => {
  for (const r of clients) r.client.loopStop();
  for (const b of brokers) await b.close();
});

void describe('reconnect back-off: reset only by a stable connection', () => {
  void it('CONNACK then dropped at once, again and again: 1, 2, 4, 8, 8 s (fake clock)', async () => {
    const broker = new MemoryBroker();
    const client = memoryClient(broker);
    client.loopStart();
    await client.connect('broker.test', 1883, 60);
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) delays.push(await cutAfter(broker, client, 50));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000]);
    assert.equal(broker.links.length, 6, 'one connection per delay');
    client.loopStop();
  });

  void it(`a connection up ${STABLE_CONNECTION_MS} ms was stable: the next delay is the minimum again`, async () => {
    const broker = new MemoryBroker();
    const client = memoryClient(broker);
    client.loopStart();
    await client.connect('broker.test', 1883, 60);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) delays.push(await cutAfter(broker, client, 10));
    // Up just short of the threshold: still growing; up the full threshold: back to the minimum.
    delays.push(await cutAfter(broker, client, STABLE_CONNECTION_MS - 1));
    delays.push(await cutAfter(broker, client, STABLE_CONNECTION_MS));
    delays.push(await cutAfter(broker, client, 10));
    assert.deepEqual(delays, [1000, 2000, 4000, 8000, 1000, 2000]);
    client.loopStop();
  });

  void it('disconnect() is a fresh start: the next failure waits the minimum', async () => {
    const broker = new MemoryBroker();
    const client = memoryClient(broker);
    client.loopStart();
    await client.connect('broker.test', 1883, 60);
    for (let i = 0; i < 3; i++) await cutAfter(broker, client, 10);
    assert.equal(connectionOf(client).backoff.attempt, 3);
    client.disconnect();
    await settle();
    assert.equal(connectionOf(client).backoff.attempt, 0);
    client.loopStart();
    await client.connect('broker.test', 1883, 60);
    assert.equal(await cutAfter(broker, client, 10), 1000);
    client.loopStop();
  });

  void it('a real socket: a broker that CONNACKs then closes gets attempts spaced by the growing back-off', async () => {
    const broker = await FakeBroker.start();
    brokers.push(broker);
    const arrivals: number[] = [];
    const serve = async (): Promise<void> => {
      // Bounded: far more than the few attempts the window allows.
      for (let i = 0; i < 100; i++) {
        const connection = await broker.nextConnection(10_000).catch(() => undefined);
        if (connection === undefined) return;
        arrivals.push(Date.now());
        const connect = await connection.expect(PacketType.CONNECT).catch(() => undefined);
        if (connect === undefined) continue;
        connection.send({ type: PacketType.CONNACK, sessionPresent: false, reasonCode: 0 });
        connection.end();
      }
    };
    void serve();
    const r = recordingClient(MQTTProtocolVersion.MQTTv311, { reconnectJitter: 0 });
    clients.push(r);
    r.client.reconnectDelaySet(0.1, 0.8);
    r.client.loopStart();
    void r.client.connect(`mqtt://${broker.host}:${broker.port}`).catch(() => undefined);
    const windowMs = 3_000;
    await sleep(windowMs);
    r.client.loopStop();
    // Delays 0.1, 0.2, 0.4, 0.8, 0.8... s: the first attempt and at most 1 + 6 retries fit in 3 s. Resetting at
    // each CONNACK (the old rule) would give one attempt every 0.1 s, about 30.
    const bound = 2 + Math.floor((windowMs - (100 + 200 + 400)) / 800) + 3;
    assert.ok(r.connacks.length >= 3, `${r.connacks.length} CONNACKs: the client kept trying`);
    assert.ok(arrivals.length <= bound, `${arrivals.length} attempts in ${windowMs} ms, bound ${bound}`);
    const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]);
    // The gaps grow: the fourth one waited the 0.8 s maximum (less a little timer slack).
    assert.ok(gaps.length >= 4 && gaps[3] >= 700, `gaps ${gaps.join(', ')} ms`);
  });
});

void describe('reconnect back-off: a connection that did work', () => {
  void it('a message or a SUBACK on the connection makes its loss a new incident; without one the delay grows', () => {
    const backoff = new ReconnectBackoff(0, () => 0);
    backoff.set(1, 8);
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      backoff.connected(i * 1000);
      backoff.closed(i * 1000 + 50); // dropped 50 ms after its CONNACK, nothing delivered
      delays.push(backoff.nextDelayMs());
    }
    assert.deepEqual(delays, [1000, 2000, 4000]);
    backoff.connected(10_000);
    backoff.proven(); // a PUBLISH from the broker, or a SUBACK / UNSUBACK
    backoff.closed(10_050);
    assert.equal(backoff.nextDelayMs(), 1000);
    backoff.proven(); // not connected: nothing to prove
    assert.equal(backoff.nextDelayMs(), 2000);
  });
});

/**
 * MQTT 5 request/response against a real Mosquitto: `request()` / `respond()` / `handle()` round trips at every
 * QoS, 10,000 concurrent requests, timeouts, aborts before and after the publish, a responder that is down, a
 * reconnect between request and response, two requesters sharing one response topic, and the refusals on
 * MQTT 3.x.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ClientStateError,
  InvalidArgumentError,
  MQTTProtocolVersion,
  NotSupportedError,
  Properties,
  PacketTypes,
  TimeoutError,
  type MQTTMessage,
} from '../../src/index.js';
import * as paho from '../../src/paho.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import {
  connected,
  recordingClient,
  shutdown,
  text,
  uniqueId,
  waitUntil,
  within,
  type Recorder,
} from './helpers.js';

const V5 = MQTTProtocolVersion.MQTTv5;

let broker: Broker;
void before(async () => {
  broker = await startBroker({ maxQueuedMessages: 100_000, maxInflightMessages: 1000, quietLog: true });
});
void after(async () => {
  await broker.stop();
});

async function pair(): Promise<{ requester: Recorder; responder: Recorder }> {
  const requester = recordingClient(V5);
  const responder = recordingClient(V5);
  await connected(requester, broker.host, broker.port);
  await connected(responder, broker.host, broker.port);
  return { requester, responder };
}

async function close(...recorders: Recorder[]): Promise<void> {
  for (const recorder of recorders) await shutdown(recorder);
}

/** Subscribes the responder through handle() and waits for its SUBACK. */
async function handled(
  responder: Recorder,
  filter: string,
  handler: (request: MQTTMessage) => unknown,
): Promise<() => void> {
  const subacks = responder.subacks.length;
  const stop = responder.client.handle(filter, handler as never);
  await waitUntil(() => responder.subacks.length > subacks, 5000, 'the handler SUBACK');
  return stop;
}

void describe('request/response on MQTT 5', () => {
  void it('round-trips at QoS 0, 1 and 2 on the default response topic, with the Correlation Data', async () => {
    const { requester, responder } = await pair();
    try {
      const service = uniqueId('svc');
      await handled(responder, `${service}/#`, (request) => `echo:${text(request)}`);
      for (const qos of [0, 1, 2]) {
        const response = await within(
          requester.client.request(`${service}/q${qos}`, `hello ${qos}`, { qos }),
          5000,
          `the QoS ${qos} response`,
        );
        assert.equal(text(response), `echo:hello ${qos}`);
        assert.equal(response.topic, `steady-mqtt/responses/${requester.client.clientId}`);
        assert.ok(response.properties.correlationData instanceof Uint8Array);
      }
      // Responses reach neither onMessage nor the requester's other consumers.
      assert.equal(requester.messages.length, 0);
    } finally {
      await close(requester, responder);
    }
  });

  void it('matches 10,000 concurrent requests, each to its own response', async () => {
    const { requester, responder } = await pair();
    try {
      const service = uniqueId('bulk');
      await handled(responder, service, (request) => request.payload);
      const count = 10_000;
      const requests = [];
      for (let i = 0; i < count; i++) {
        requests.push(requester.client.request(service, `n${i}`, { timeoutMs: 60_000 }));
      }
      const responses = await within(Promise.all(requests), 90_000, '10,000 responses');
      for (let i = 0; i < count; i++) assert.equal(text(responses[i]), `n${i}`);
    } finally {
      await close(requester, responder);
    }
  });

  void it('times out when no responder answers, and rejects with TimeoutError', async () => {
    const requester = recordingClient(V5);
    await connected(requester, broker.host, broker.port);
    try {
      const started = Date.now();
      await assert.rejects(
        requester.client.request(uniqueId('nobody'), 'x', { timeoutMs: 200 }),
        TimeoutError,
      );
      assert.ok(Date.now() - started >= 150);
    } finally {
      await close(requester);
    }
  });

  void it('drops a late response (logged at debug) and never hands it to the next request', async () => {
    const { requester, responder } = await pair();
    try {
      const service = uniqueId('slow');
      let calls = 0;
      await handled(responder, service, async (request) => {
        calls += 1;
        if (calls === 1) await new Promise((resolve) => setTimeout(resolve, 300));
        return `answer to ${text(request)}`;
      });
      await assert.rejects(requester.client.request(service, 'first', { timeoutMs: 100 }), TimeoutError);
      await waitUntil(
        () => requester.logs.some((log) => log.message.startsWith('Dropped a response on')),
        5000,
        'the late response to be dropped',
      );
      const second = await within(requester.client.request(service, 'second'), 5000, 'the second response');
      assert.equal(text(second), 'answer to second');
    } finally {
      await close(requester, responder);
    }
  });

  void it('rejects with the signal reason when aborted before the publish: nothing is sent', async () => {
    const { requester, responder } = await pair();
    try {
      const service = uniqueId('abort');
      const seen: string[] = [];
      await handled(responder, service, (request) => {
        seen.push(text(request));
        return 'ok';
      });
      const controller = new AbortController();
      const reason = new Error('changed my mind');
      controller.abort(reason);
      await assert.rejects(requester.client.request(service, 'never', { signal: controller.signal }), reason);
      // A request sent after it is answered, and is the only one the responder saw.
      await within(requester.client.request(service, 'later'), 5000, 'the later response');
      assert.deepEqual(seen, ['later']);
    } finally {
      await close(requester, responder);
    }
  });

  void it('rejects with the signal reason when aborted after the publish; the response is then dropped', async () => {
    const { requester, responder } = await pair();
    try {
      const service = uniqueId('abort2');
      let release: (() => void) | undefined;
      const received = new Promise<void>((resolveReceived) => {
        void handled(responder, service, async () => {
          resolveReceived();
          await new Promise<void>((resolve) => (release = resolve));
          return 'too late';
        });
      });
      await waitUntil(() => responder.subacks.length > 0, 5000, 'the handler SUBACK');
      const controller = new AbortController();
      const pending = requester.client.request(service, 'x', { signal: controller.signal });
      await within(received, 5000, 'the request at the responder');
      controller.abort('stop');
      await assert.rejects(pending, (error: unknown) => error === 'stop');
      release?.();
      await waitUntil(
        () => requester.logs.some((log) => log.message.startsWith('Dropped a response on')),
        5000,
        'the response to be dropped',
      );
    } finally {
      await close(requester, responder);
    }
  });

  void it('renews the response subscription on reconnect: a response sent after it still arrives', async () => {
    const { requester, responder } = await pair();
    try {
      const service = uniqueId('recon');
      let release: (() => void) | undefined;
      let received = false;
      await handled(responder, service, async () => {
        received = true;
        await new Promise<void>((resolve) => (release = resolve));
        return 'after the reconnect';
      });
      const pending = requester.client.request(service, 'x', { timeoutMs: 10_000 });
      await waitUntil(() => received, 5000, 'the request at the responder');
      const connacks = requester.connacks.length;
      await requester.client.reconnect();
      await waitUntil(() => requester.connacks.length > connacks, 5000, 'the new CONNACK');
      assert.equal(requester.connacks.at(-1)?.sessionPresent, false);
      // The renewed SUBSCRIBE was sent right after the CONNACK; its SUBACK proves it is in place.
      const responseTopic = `steady-mqtt/responses/${requester.client.clientId}`;
      await waitUntil(() => requester.subacks.length >= 2, 5000, 'the renewed SUBACK');
      release?.();
      const response = await within(pending, 5000, 'the response');
      assert.equal(text(response), 'after the reconnect');
      assert.equal(response.topic, responseTopic);
    } finally {
      await close(requester, responder);
    }
  });

  void it('reinitialise() rejects a pending request with ClientStateError', async () => {
    const { requester, responder } = await pair();
    try {
      const pending = requester.client.request(uniqueId('nobody'), 'x');
      requester.client.reinitialise(requester.client.clientId);
      await assert.rejects(pending, ClientStateError);
    } finally {
      await close(requester, responder);
    }
  });

  void it('keeps two requesters sharing one response topic apart', async () => {
    const shared = `${uniqueId('shared')}/replies`;
    const a = recordingClient(V5, { responseTopic: shared });
    const b = recordingClient(V5, { responseTopic: shared });
    const responder = recordingClient(V5);
    for (const r of [a, b, responder]) await connected(r, broker.host, broker.port);
    try {
      const service = uniqueId('two');
      await handled(responder, service, (request) => text(request));
      const fromA = Array.from({ length: 50 }, (_, i) => a.client.request(service, `a${i}`));
      const fromB = Array.from({ length: 50 }, (_, i) => b.client.request(service, `b${i}`));
      const [answersA, answersB] = await within(
        Promise.all([Promise.all(fromA), Promise.all(fromB)]),
        10_000,
        'both requesters answered',
      );
      answersA.forEach((response, i) => assert.equal(text(response), `a${i}`));
      answersB.forEach((response, i) => assert.equal(text(response), `b${i}`));
      for (const response of [...answersA, ...answersB]) assert.equal(response.topic, shared);
    } finally {
      await close(a, b, responder);
    }
  });

  void it('answers a handler that throws with a user property "error", logged, no unhandled rejection', async () => {
    const { requester, responder } = await pair();
    try {
      const service = uniqueId('fail');
      await handled(responder, service, async () => {
        await Promise.resolve();
        throw new Error('database down');
      });
      const response = await within(requester.client.request(service, 'x'), 5000, 'the error response');
      assert.deepEqual(response.properties.userProperties, [['error', 'database down']]);
      assert.equal(response.payload.length, 0);
      assert.ok(responder.logs.some((log) => log.message.includes('the handler failed')));
    } finally {
      await close(requester, responder);
    }
  });

  void it('respond() answers a request read from onMessage, with extra properties', async () => {
    const { requester, responder } = await pair();
    try {
      const service = uniqueId('manual');
      responder.client.onMessage = (client, _userdata, request) => {
        const properties = new Properties(PacketTypes.PUBLISH);
        properties.contentType = 'text/plain';
        client.respond(request, 'by hand', { properties });
      };
      const subacks = responder.subacks.length;
      responder.client.subscribe(service, 1);
      await waitUntil(() => responder.subacks.length > subacks, 5000, 'SUBACK');
      const response = await within(requester.client.request(service, 'x'), 5000, 'the response');
      assert.equal(text(response), 'by hand');
      assert.equal(response.properties.contentType, 'text/plain');
    } finally {
      await close(requester, responder);
    }
  });

  void it('works through the Paho facade (request / handle / respond, snake_case options)', async () => {
    const requester = new paho.Client(paho.CallbackAPIVersion.VERSION2, {
      client_id: uniqueId('pr'),
      protocol: paho.MQTTv5,
      response_topic: `${uniqueId('paho')}/replies`,
    });
    const responder = new paho.Client(paho.CallbackAPIVersion.VERSION2, {
      client_id: uniqueId('ps'),
      protocol: paho.MQTTv5,
    });
    for (const client of [requester, responder]) {
      client.loop_start();
      await within(client.connect_and_wait(broker.host, broker.port), 5000, 'CONNACK');
    }
    try {
      const service = uniqueId('facade');
      let subscribed = false;
      responder.on_subscribe = () => {
        subscribed = true;
      };
      responder.handle(service, (request) => `paho:${request.payload_string()}`);
      await waitUntil(() => subscribed, 5000, 'SUBACK');
      const response = await within(
        requester.request(service, 'hi', { qos: 2, timeout_ms: 5000 }),
        6000,
        'the facade response',
      );
      assert.equal(response.payload_string(), 'paho:hi');
    } finally {
      for (const client of [requester, responder]) {
        await within(client.disconnect_and_wait(), 5000, 'disconnect');
        client.loop_stop();
      }
    }
  });
});

void describe('request/response refusals', () => {
  for (const protocol of [MQTTProtocolVersion.MQTTv31, MQTTProtocolVersion.MQTTv311]) {
    void it(`request(), respond() and handle() are refused on protocol ${protocol} with NotSupportedError`, async () => {
      const { client } = recordingClient(protocol);
      await assert.rejects(client.request('a/b', 'x'), NotSupportedError);
      assert.throws(() => client.handle('a/b', () => 'x'), NotSupportedError);
    });
  }

  void it('respond() refuses a message without a Response Topic', async () => {
    const { requester, responder } = await pair();
    try {
      const topic = uniqueId('plain');
      const subacks = responder.subacks.length;
      responder.client.subscribe(topic, 1);
      await waitUntil(() => responder.subacks.length > subacks, 5000, 'SUBACK');
      await requester.client.publish(topic, 'not a request', 1).waitForPublish(5000);
      await waitUntil(() => responder.messages.length > 0, 5000, 'the message');
      const message = responder.messages[0];
      assert.throws(() => responder.client.respond(message, 'x'), InvalidArgumentError);
    } finally {
      await close(requester, responder);
    }
  });

  void it('request() refuses bad arguments with typed errors', async () => {
    const { client } = recordingClient(V5);
    await assert.rejects(client.request('a/+', 'x'), /Invalid topic name/);
    await assert.rejects(client.request('a/b', 'x', { qos: 3 }), InvalidArgumentError);
    await assert.rejects(client.request('a/b', 'x', { timeoutMs: -1 }), InvalidArgumentError);
    await assert.rejects(
      client.request('a/b', 'x', { properties: { correlationData: new Uint8Array([1]) } }),
      InvalidArgumentError,
    );
    assert.throws(() => recordingClient(V5, { responseTopic: 'a/#' }), /Invalid topic name/);
  });
});

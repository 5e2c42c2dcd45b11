/**
 * `Properties` refuses a name that is no MQTT 5 property, as Paho raises for one: assigned on an instance (a typo
 * such as `userProperty`), given in the plain-object form to any call that takes properties, or assigned on the
 * Paho facade's `Properties`. Nothing is sent for a refused call. A valid set still round-trips through a real
 * Mosquitto.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CallbackAPIVersion,
  Client,
  InvalidArgumentError,
  MQTTProtocolVersion,
  PacketTypes,
  Properties,
} from '../../src/index.js';
import * as paho from '../../src/paho.js';
import { parseProperties } from '../../src/cli/properties.js';
import { UsageError } from '../../src/cli/args.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { connected, recordingClient, shutdown, subscribed, uniqueId, waitUntil } from './helpers.js';

/** The error names the wrong name and lists the valid ones. */
const UNKNOWN = (name: string): RegExp =>
  new RegExp(
    `^${name} is not an MQTT 5 property; the properties are payloadFormatIndicator, .*userProperties`,
  );

void describe('Properties refuses unknown names', () => {
  void it('an assignment of an unknown name throws InvalidArgumentError naming the valid ones', () => {
    const props = new Properties(PacketTypes.PUBLISH);
    const loose = props as unknown as Record<string, unknown>;
    for (const name of ['userProperty', 'foo', 'contenttype', 'valueOf', 'hasOwnProperty']) {
      assert.throws(
        () => {
          loose[name] = 1;
        },
        (error: unknown) => error instanceof InvalidArgumentError && UNKNOWN(name).test(error.message),
      );
      assert.equal(Object.hasOwn(props, name), false);
    }
    assert.equal(props.isEmpty(), true); // nothing was kept
    props.userProperties = [['k', 'v']]; // the right name still works
    assert.deepEqual(props.toObject(), { userProperties: [['k', 'v']] });
    assert.equal(loose.foo, undefined); // reading an unknown name is harmless, as on any object
    const tag = Symbol('tag');
    (props as unknown as Record<symbol, unknown>)[tag] = 1; // symbols are no property names: allowed
    assert.equal((props as unknown as Record<symbol, unknown>)[tag], 1);
  });

  void it('the plain-object form with an unknown key is refused the same way, own keys only', () => {
    for (const name of ['userProperty', 'constructor', 'toString']) {
      assert.throws(
        () => new Properties(PacketTypes.PUBLISH, { [name]: 1 }),
        (error: unknown) => error instanceof InvalidArgumentError && UNKNOWN(name).test(error.message),
      );
    }
  });

  void it('every call taking plain properties refuses an unknown key, and sends nothing', () => {
    const client = new Client(CallbackAPIVersion.VERSION2, { protocol: MQTTProtocolVersion.MQTTv5 });
    const typo = { userProperty: [['k', 'v']] } as never;
    const refused = (call: () => unknown): void => {
      assert.throws(
        call,
        (error: unknown) =>
          error instanceof InvalidArgumentError && UNKNOWN('userProperty').test(error.message),
      );
    };
    refused(() => client.publish('t', 'x', 1, false, typo));
    refused(() => client.subscribe('t', undefined, undefined, typo));
    refused(() => client.unsubscribe('t', typo));
    refused(() => client.willSet('t', 'x', 0, false, typo));
    refused(() => client.connect('127.0.0.1', 1, 60, '', 0, true, typo));
    refused(() => client.disconnect(0, typo));
    assert.deepEqual(client.stats().queued, { messages: 0, bytes: 0 });
    assert.equal(client.stats().packetIdsInUse, 0);
  });

  void it("the Paho facade's Properties refuses an unknown Paho name, naming the valid ones", () => {
    const p = new paho.Properties(paho.PacketTypes.PUBLISH) as unknown as Record<string, unknown>;
    assert.throws(
      () => {
        p.UserProperties = ['k', 'v']; // Paho's name is UserProperty
      },
      (error: unknown) =>
        error instanceof InvalidArgumentError &&
        /^UserProperties is not an MQTT 5 property; the properties are PayloadFormatIndicator, .*UserProperty/.test(
          error.message,
        ),
    );
    p.UserProperty = ['k', 'v'];
    assert.deepEqual(p.UserProperty, [['k', 'v']]);
  });

  void it('the CLI -D refuses names inherited from Object.prototype as unknown', () => {
    assert.throws(() => parseProperties([['connect', 'constructor', '1']]), UsageError);
    assert.deepEqual(parseProperties([['publish', 'content-type', 'text/plain']]), {
      publish: { contentType: 'text/plain' },
    });
  });
});

void describe('a valid set of properties round-trips through Mosquitto', () => {
  let broker: Broker;
  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    await broker.stop();
  });

  void it('PUBLISH properties given as a Properties and as a plain object arrive unchanged', async () => {
    const sub = recordingClient(MQTTProtocolVersion.MQTTv5);
    const pub = recordingClient(MQTTProtocolVersion.MQTTv5);
    await connected(sub, broker.host, broker.port);
    await connected(pub, broker.host, broker.port);
    try {
      const topic = `${uniqueId('props')}/t`;
      await subscribed(sub, topic, 1);
      const props = new Properties(PacketTypes.PUBLISH);
      props.contentType = 'application/json';
      props.responseTopic = `${topic}/reply`;
      props.correlationData = new Uint8Array([1, 2, 3]);
      props.payloadFormatIndicator = 1;
      props.messageExpiryInterval = 600;
      props.addUserProperty('a', '1').addUserProperty('a', '2');
      await pub.client.publish(topic, '{}', 1, false, props).waitForPublish(5000);
      await pub.client.publish(topic, '{}', 1, false, props.toObject()).waitForPublish(5000);
      await waitUntil(() => sub.messages.length === 2, 5000, 'two messages');
      for (const message of sub.messages) {
        const got = message.properties.toObject();
        // Mosquitto sends the remaining expiry: at most what was set.
        assert.ok(got.messageExpiryInterval !== undefined && got.messageExpiryInterval <= 600);
        delete got.messageExpiryInterval;
        assert.deepEqual(Array.from(got.correlationData ?? []), [1, 2, 3]);
        delete got.correlationData;
        assert.deepEqual(got, {
          contentType: 'application/json',
          responseTopic: `${topic}/reply`,
          payloadFormatIndicator: 1,
          userProperties: [
            ['a', '1'],
            ['a', '2'],
          ],
        });
      }
    } finally {
      await shutdown(sub);
      await shutdown(pub);
    }
  });
});

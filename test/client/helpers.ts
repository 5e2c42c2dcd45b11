/**
 * Helpers for the client tests: bounded waits, a recording client, and protocol names.
 */
import {
  CallbackAPIVersion,
  Client,
  MQTTProtocolVersion,
  type ClientOptions,
  type MQTTMessage,
} from '../../src/index.js';

export const PROTOCOLS = [
  { name: 'MQTT 3.1', version: MQTTProtocolVersion.MQTTv31 },
  { name: 'MQTT 3.1.1', version: MQTTProtocolVersion.MQTTv311 },
  { name: 'MQTT 5.0', version: MQTTProtocolVersion.MQTTv5 },
] as const;

/** Rejects with a clear message when `promise` does not settle within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `predicate` every 10 ms; rejects after `ms`. */
export async function waitUntil(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let counter = 0;
/** A client id unique within the run (MQTT 3.1 allows 23 characters). */
export function uniqueId(prefix = 't'): string {
  counter += 1;
  return `${prefix}${process.pid % 10000}-${counter}`.slice(0, 23);
}

/** A client that records what its callbacks saw. */
export interface Recorder {
  client: Client<unknown>;
  messages: MQTTMessage[];
  connacks: { rc: number; sessionPresent: boolean }[];
  disconnects: { rc: number; fromServer: boolean }[];
  subacks: { mid: number; codes: number[] }[];
  published: { mid: number; rc: number }[];
  logs: { level: number; message: string }[];
}

export function recordingClient(
  protocol: MQTTProtocolVersion,
  options: ClientOptions<unknown> = {},
): Recorder {
  const client = new Client(CallbackAPIVersion.VERSION2, { protocol, clientId: uniqueId(), ...options });
  const recorder: Recorder = {
    client,
    messages: [],
    connacks: [],
    disconnects: [],
    subacks: [],
    published: [],
    logs: [],
  };
  client.onConnect = (_c, _u, flags, rc) => {
    recorder.connacks.push({ rc: rc.value, sessionPresent: flags.sessionPresent });
  };
  client.onDisconnect = (_c, _u, flags, rc) => {
    recorder.disconnects.push({ rc: rc.value, fromServer: flags.isDisconnectPacketFromServer });
  };
  client.onMessage = (_c, _u, message) => {
    recorder.messages.push(message);
  };
  client.onSubscribe = (_c, _u, mid, codes) => {
    recorder.subacks.push({ mid, codes: codes.map((code) => code.value) });
  };
  client.onPublish = (_c, _u, mid, rc) => {
    recorder.published.push({ mid, rc: rc.value });
  };
  client.onLog = (_c, _u, level, message) => {
    recorder.logs.push({ level, message });
  };
  return recorder;
}

/** Starts the background loop, connects and waits for a successful CONNACK. */
export async function connected(
  recorder: Recorder,
  host: string,
  port: number,
  keepalive = 60,
): Promise<void> {
  recorder.client.loopStart();
  await within(recorder.client.connectAndWait(host, port, keepalive), 5000, 'CONNACK');
}

/** Subscribes and waits for the SUBACK. */
export async function subscribed(
  recorder: Recorder,
  ...args: Parameters<Client['subscribe']>
): Promise<number[]> {
  const [, mid] = recorder.client.subscribe(...args);
  await waitUntil(() => recorder.subacks.some((s) => s.mid === mid), 5000, `SUBACK ${mid}`);
  return recorder.subacks.find((s) => s.mid === mid)?.codes ?? [];
}

/** Disconnects (if connected) and stops the loop, bounded. */
export async function shutdown(recorder: Recorder): Promise<void> {
  await within(recorder.client.disconnectAndWait(), 5000, 'disconnect');
  recorder.client.loopStop();
}

export function text(message: MQTTMessage): string {
  return message.payloadString();
}

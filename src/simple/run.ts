/**
 * The life of one helper call: build a `Client` from the helper options, connect with the background loop,
 * let the helper do its work, and settle exactly once: with a value, or with a typed error (a refused
 * connection, a failed or lost connection, a timeout). Whatever happens, the client is disconnected and its
 * loop stopped before the Promise settles, so a helper never leaves a socket or a timer behind.
 */
import { abortReason, checkWaitOptions } from '../client/cancellation.js';
import { Client } from '../client/client.js';
import { CallbackAPIVersion, MQTTProtocolVersion } from '../client/enums.js';
import { NotSupportedError, TimeoutError } from '../client/errors.js';
import type { ClientOptions } from '../client/options.js';
import { InvalidArgumentError } from '../errors.js';
import { ConnectionLostError } from './errors.js';
import type { ConnectionOptions } from './options.js';

/** How long the cleanup waits for the DISCONNECT to be written before closing the socket at once. */
const CLOSE_WAIT_MS = 2_000;

/** What a helper's body gets: the client, and the way to settle the call. */
export interface HelperRun<T, U> {
  readonly client: Client<U>;
  /** True once `finish()` or `fail()` was called (later calls are ignored). */
  readonly settled: boolean;
  /** Ends the call with `value` (the client is disconnected first). */
  finish(value: T): void;
  /** Ends the call with `error` (the client is disconnected first). */
  fail(error: unknown): void;
}

/** What a helper adds to the common options. */
export interface HelperSpec<T, U> {
  /** The helper's name for messages (`publish.multiple`). */
  name: string;
  userdata?: U;
  /** MQTT 3.x clean session (ignored on MQTT 5, where Paho's helpers used to fail). */
  cleanSession?: boolean;
  /** Called before connecting: set the callbacks. */
  setup?(run: HelperRun<T, U>): void;
  /** Called once connected (CONNACK success). */
  connected?(run: HelperRun<T, U>): void | Promise<void>;
  /** The value when the client disconnects by itself (a callback called `disconnect()`); else it is an error. */
  onNormalClose?(): T;
}

type Extension = (this: unknown, ...args: unknown[]) => unknown;

/**
 * Calls a `Client` method that another part of the library may not provide yet (TLS, WebSocket and proxy
 * settings come with the transports); throws `NotSupportedError` saying so when it is missing.
 */
export function callClientExtension<U>(
  client: Client<U>,
  method: string,
  args: unknown[],
  what: string,
): void {
  const candidate = (client as unknown as Record<string, unknown>)[method];
  if (typeof candidate !== 'function') {
    throw new NotSupportedError(`${what} needs Client.${method}(), which this build does not provide yet`);
  }
  (candidate as Extension).apply(client, args);
}

/** Builds and configures the helper's client (throws on invalid options, before any I/O). */
export function createHelperClient<U>(
  options: ConnectionOptions<U>,
  spec: HelperSpec<unknown, U>,
): Client<U> {
  const protocol = options.protocol ?? MQTTProtocolVersion.MQTTv311;
  const clientOptions: ClientOptions<U> = {
    ...options.clientOptions,
    clientId: options.clientId ?? '',
    protocol,
    reconnectOnFailure: options.reconnect ?? false,
  };
  if (spec.userdata !== undefined) clientOptions.userdata = spec.userdata;
  if (options.logger !== undefined) clientOptions.logger = options.logger;
  if (options.transport !== undefined) clientOptions.transport = options.transport;
  if (spec.cleanSession !== undefined && protocol !== MQTTProtocolVersion.MQTTv5) {
    clientOptions.cleanSession = spec.cleanSession;
  }
  const client = new Client<U>(CallbackAPIVersion.VERSION2, clientOptions);
  if (options.connectTimeout !== undefined) client.connectTimeout = options.connectTimeout;
  if (options.maxInflightMessages !== undefined) client.maxInflightMessagesSet(options.maxInflightMessages);
  const { auth, will, tls, websocket, proxyArgs } = options;
  if (auth !== undefined) {
    if (typeof auth.username !== 'string') {
      throw new InvalidArgumentError(`${spec.name}: auth needs a username (auth: { username, password? })`);
    }
    client.usernamePwSet(auth.username, auth.password);
  }
  if (will !== undefined) {
    client.willSet(will.topic, will.payload ?? null, will.qos ?? 0, will.retain ?? false, will.properties);
  }
  if (tls !== undefined) callClientExtension(client, 'tlsSet', [tls], 'the tls option');
  if (websocket !== undefined) {
    callClientExtension(
      client,
      'wsSetOptions',
      [websocket.path ?? '/mqtt', websocket.headers],
      'the websocket option',
    );
  }
  if (proxyArgs !== undefined) callClientExtension(client, 'proxySet', [proxyArgs], 'the proxyArgs option');
  return client;
}

function checkTimeout(name: string, timeoutMs: unknown): number | undefined {
  if (timeoutMs === undefined) return undefined;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new InvalidArgumentError(`${name}: timeoutMs must be a positive number of milliseconds`);
  }
  return timeoutMs;
}

async function closeClient<U>(client: Client<U>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = client.disconnectAndWait().then(
    () => true,
    () => true,
  );
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CLOSE_WAIT_MS);
  });
  const clean = await Promise.race([closed, late]);
  clearTimeout(timer);
  client.loopStop();
  if (!clean) client.reinitialise(); // closes the socket at once
}

/**
 * Runs one helper call. Rejects with the client's `ConnectionRefusedError` (the broker's reason code),
 * `ConnectionError` (the first connection failed), `ConnectionLostError` (lost afterwards, without
 * `reconnect`), `TimeoutError` (`timeoutMs`), or whatever the helper's body failed with.
 */
export async function runHelper<T, U>(options: ConnectionOptions<U>, spec: HelperSpec<T, U>): Promise<T> {
  const timeoutMs = checkTimeout(spec.name, options.timeoutMs);
  const { signal } = checkWaitOptions({ signal: options.signal }, spec.name);
  if (signal?.aborted === true) throw abortReason(signal);
  const client = createHelperClient(options, spec as HelperSpec<unknown, U>);
  let settled = false;
  let resolveResult: (value: T) => void = () => undefined;
  let rejectResult: (error: unknown) => void = () => undefined;
  const result = new Promise<T>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  const settle = (action: () => void): void => {
    if (settled) return;
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    void closeClient(client).then(action, action); // settles even if closing failed
  };
  const run: HelperRun<T, U> = {
    client,
    get settled() {
      return settled;
    },
    finish: (value) => settle(() => resolveResult(value)),
    fail: (error) => settle(() => rejectResult(error)),
  };
  const host = options.hostname ?? 'localhost';
  const port = options.port ?? 1883;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          run.fail(new TimeoutError(`${spec.name} did not complete within ${timeoutMs} ms (timeoutMs)`));
        }, timeoutMs);
  const onAbort = (): void => run.fail(abortReason(signal));
  signal?.addEventListener('abort', onAbort, { once: true });
  client.onDisconnect = (_client, _userdata, flags, reasonCode) => {
    if (settled || options.reconnect === true) return;
    if (!flags.isDisconnectPacketFromServer && !reasonCode.isFailure && spec.onNormalClose !== undefined) {
      run.finish(spec.onNormalClose());
      return;
    }
    run.fail(new ConnectionLostError(host, port, reasonCode, flags.isDisconnectPacketFromServer));
  };
  spec.setup?.(run);
  client.loopStart();
  client
    .connectAndWait(host, port, options.keepalive ?? 60, '', 0, options.cleanStart, options.connectProperties)
    .then(async () => {
      if (!settled) await spec.connected?.(run);
    })
    .catch((error: unknown) => run.fail(error));
  return result;
}

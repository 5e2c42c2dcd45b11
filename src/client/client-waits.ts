/**
 * The awaitable forms of `subscribe()`, `unsubscribe()` and `loopForever()`, each bounded by
 * `{ signal, timeoutMs }` (`cancellation.ts`). Cancelling a wait never withdraws the command: a SUBSCRIBE or
 * UNSUBSCRIBE already requested stays requested, and an aborted `loopForever()` wait leaves the loop running.
 */
import type { Properties as PacketProperties } from '../packet/types.js';
import type { MQTTErrorCode } from '../session/error-code.js';
import { bounded, checkWaitOptions, rejected, type WaitOptions } from './cancellation.js';
import { subscribe, unsubscribe } from './client-commands.js';
import type { ClientCore } from './client-core.js';
import type { Properties } from './properties.js';
import type { ReasonCode } from './reason-code.js';
import type { SubscribeTopic, SubscriptionSpec } from './subscribe-args.js';
import type { SubscribeOptions, SubscribeOptionsInit } from './subscribe-options.js';

type AnyProperties = Properties | PacketProperties;

/** `loopForever()`'s options. */
export interface LoopForeverOptions extends WaitOptions {
  /** Retry a failed first connection instead of rejecting (default false). */
  retryFirstConnection?: boolean;
}

/** `subscribe()`, resolving with the SUBACK's reason codes (one per filter: the granted QoS, or a failure). */
export function subscribeAndWait<C, U>(
  core: ClientCore<C, U>,
  topic: SubscribeTopic,
  qos: SubscriptionSpec | undefined,
  options: SubscribeOptions | SubscribeOptionsInit | AnyProperties | null | undefined,
  properties: AnyProperties | null | undefined,
  wait: WaitOptions | undefined,
): Promise<ReasonCode[]> {
  try {
    const checked = checkWaitOptions(wait, 'subscribeAndWait()');
    // Aborted already: nothing is sent.
    if (checked.signal?.aborted === true) return bounded(Promise.resolve([]), checked, 'subscribeAndWait()');
    const [, mid] = subscribe(core, topic, qos, options, properties);
    return core.dispatcher.acks.wait(mid, checked, `the SUBACK of message ${mid}`);
  } catch (error) {
    return rejected(error);
  }
}

/** `unsubscribe()`, resolving with the UNSUBACK's reason codes (an empty list on MQTT 3.x). */
export function unsubscribeAndWait<C, U>(
  core: ClientCore<C, U>,
  topic: string | readonly string[],
  properties: AnyProperties | null | undefined,
  wait: WaitOptions | undefined,
): Promise<ReasonCode[]> {
  try {
    const checked = checkWaitOptions(wait, 'unsubscribeAndWait()');
    if (checked.signal?.aborted === true)
      return bounded(Promise.resolve([]), checked, 'unsubscribeAndWait()');
    const [, mid] = unsubscribe(core, topic, properties);
    return core.dispatcher.acks.wait(mid, checked, `the UNSUBACK of message ${mid}`);
  } catch (error) {
    return rejected(error);
  }
}

/** `loopForever()`: the loop runs until `disconnect()`; `signal` and `timeoutMs` bound only the wait. */
export function loopForever<C, U>(
  core: ClientCore<C, U>,
  options: LoopForeverOptions,
): Promise<MQTTErrorCode> {
  const wait = checkWaitOptions({ signal: options.signal, timeoutMs: options.timeoutMs }, 'loopForever()');
  const done = core.connection.loopForever(options.retryFirstConnection === true);
  return bounded(done, wait, 'loopForever()');
}

/**
 * `SubscribeOptions`: the MQTT 5 options of one subscription, as Paho's `SubscribeOptions`. Values are checked
 * on construction and on assignment (`InvalidArgumentError`, where Paho raises `AssertionError`).
 */
import { InvalidArgumentError } from '../errors.js';
import type { QoS, RetainHandling } from '../packet/types.js';

/** The plain form accepted wherever a `SubscribeOptions` is. */
export interface SubscribeOptionsInit {
  qos?: number;
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: number;
}

/** Checks that `qos` is 0, 1 or 2 and returns it typed. */
export function checkQos(qos: unknown, what = 'qos'): QoS {
  if (qos !== 0 && qos !== 1 && qos !== 2) {
    throw new InvalidArgumentError(`${what} must be 0, 1 or 2, got ${String(qos)}`);
  }
  return qos;
}

function checkBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean')
    throw new InvalidArgumentError(`${what} must be a boolean, got ${String(value)}`);
  return value;
}

function checkRetainHandling(value: unknown): RetainHandling {
  if (value !== 0 && value !== 1 && value !== 2) {
    throw new InvalidArgumentError(
      `retainHandling must be 0 (RETAIN_SEND_ON_SUBSCRIBE), 1 (RETAIN_SEND_IF_NEW_SUB) or 2 (RETAIN_DO_NOT_SEND), got ${String(value)}`,
    );
  }
  return value;
}

export class SubscribeOptions {
  /** Send retained messages when the subscription is made. */
  static readonly RETAIN_SEND_ON_SUBSCRIBE = 0;
  /** Send retained messages only when the subscription did not exist before. */
  static readonly RETAIN_SEND_IF_NEW_SUB = 1;
  /** Never send retained messages on subscribing. */
  static readonly RETAIN_DO_NOT_SEND = 2;

  #qos: QoS = 0;
  #noLocal = false;
  #retainAsPublished = false;
  #retainHandling: RetainHandling = 0;

  /**
   * @param qos maximum QoS the broker may use for this subscription (0..2).
   * @param noLocal do not receive the messages this client publishes (MQTT 5).
   * @param retainAsPublished keep the retain flag of forwarded messages (MQTT 5).
   * @param retainHandling one of the `RETAIN_*` constants (MQTT 5).
   * @throws InvalidArgumentError on a value out of range or of the wrong type.
   */
  constructor(qos = 0, noLocal = false, retainAsPublished = false, retainHandling = 0) {
    this.qos = qos;
    this.noLocal = noLocal;
    this.retainAsPublished = retainAsPublished;
    this.retainHandling = retainHandling;
  }

  /** Builds options from a `SubscribeOptions` (returned as is) or a plain `{ qos, noLocal, ... }` object. */
  static from(init: SubscribeOptions | SubscribeOptionsInit): SubscribeOptions {
    if (init instanceof SubscribeOptions) return init;
    if (typeof init !== 'object' || init === null) {
      throw new InvalidArgumentError(
        `subscribe options must be a SubscribeOptions or an object, got ${String(init)}`,
      );
    }
    return new SubscribeOptions(init.qos, init.noLocal, init.retainAsPublished, init.retainHandling);
  }

  get qos(): QoS {
    return this.#qos;
  }
  set qos(value: number) {
    this.#qos = checkQos(value);
  }
  /** Paho's spelling of `qos`. */
  get QoS(): QoS {
    return this.#qos;
  }
  set QoS(value: number) {
    this.qos = value;
  }
  get noLocal(): boolean {
    return this.#noLocal;
  }
  set noLocal(value: boolean) {
    this.#noLocal = checkBoolean(value, 'noLocal');
  }
  get retainAsPublished(): boolean {
    return this.#retainAsPublished;
  }
  set retainAsPublished(value: boolean) {
    this.#retainAsPublished = checkBoolean(value, 'retainAsPublished');
  }
  get retainHandling(): RetainHandling {
    return this.#retainHandling;
  }
  set retainHandling(value: number) {
    this.#retainHandling = checkRetainHandling(value);
  }

  /** True when an option other than QoS differs from its default (such options need MQTT 5). */
  get hasMqtt5Options(): boolean {
    return this.#noLocal || this.#retainAsPublished || this.#retainHandling !== 0;
  }

  toJSON(): { qos: QoS; noLocal: boolean; retainAsPublished: boolean; retainHandling: RetainHandling } {
    return {
      qos: this.#qos,
      noLocal: this.#noLocal,
      retainAsPublished: this.#retainAsPublished,
      retainHandling: this.#retainHandling,
    };
  }

  toString(): string {
    return JSON.stringify(this.toJSON());
  }
}

/**
 * `ReasonCode`: an MQTT 5 reason code with the packet it came in, as Paho's `ReasonCode` class. MQTT 3.x
 * results (CONNACK return codes, SUBACK granted QoS) are converted to it, so callbacks see one type on every
 * protocol version.
 */
import { InvalidArgumentError } from '../errors.js';
import { connackReturnCodeToReasonCode, reasonCodeName } from '../packet/reason-codes.js';
import { PacketType } from '../packet/types.js';

/** `ReasonCode.of()`'s instances, by packet type × 256 + value (at most 16 × 256). */
const SHARED = new Map<number, ReasonCode>();

export class ReasonCode {
  /** The numeric reason code (0..255). */
  readonly value: number;
  /** The type of the packet it belongs to (`PacketType.CONNACK`...); the name of 0 depends on it. */
  readonly packetType: PacketType;

  /**
   * @param packetType the packet type the code belongs to.
   * @param nameOrValue the code's value or its specification name (`"Success"`, `"Not authorized"`); default 0.
   * @throws InvalidArgumentError if the name is unknown for that packet type or the value is out of 0..255.
   */
  constructor(packetType: PacketType, nameOrValue: string | number = 0) {
    this.packetType = packetType;
    if (typeof nameOrValue === 'number') {
      if (!Number.isInteger(nameOrValue) || nameOrValue < 0 || nameOrValue > 255) {
        throw new InvalidArgumentError(`a reason code is an integer from 0 to 255, got ${nameOrValue}`);
      }
      this.value = nameOrValue;
    } else {
      const value = ReasonCode.getId(packetType, nameOrValue);
      if (value === undefined) {
        throw new InvalidArgumentError(
          `"${nameOrValue}" is not a reason code name for packet type ${packetType}`,
        );
      }
      this.value = value;
    }
  }

  /**
   * The shared instance for `value` in packets of `packetType`: acknowledgements reuse one object per code
   * instead of allocating one per message (instances are immutable).
   * @throws InvalidArgumentError if the value is out of 0..255.
   */
  static of(packetType: PacketType, value: number): ReasonCode {
    const key = packetType * 256 + value;
    let code = SHARED.get(key);
    if (code === undefined) {
      code = Object.freeze(new ReasonCode(packetType, value));
      SHARED.set(key, code);
    }
    return code;
  }

  /** The value of the reason code called `name` in packets of `packetType` (case-insensitive), if any. */
  static getId(packetType: PacketType, name: string): number | undefined {
    const wanted = name.toLowerCase();
    for (let value = 0; value <= 0xff; value++) {
      if (reasonCodeName(packetType, value).toLowerCase() === wanted) return value;
    }
    return undefined;
  }

  /** Converts a MQTT 3.x CONNACK return code (0..5) to the MQTT 5 reason code Paho uses for it. */
  static fromConnackReturnCode(returnCode: number): ReasonCode {
    return new ReasonCode(PacketType.CONNACK, connackReturnCodeToReasonCode(returnCode));
  }

  /** The specification's name: `"Success"`, `"Normal disconnection"`, `"Granted QoS 1"`, `"Not authorized"`... */
  getName(): string {
    return reasonCodeName(this.packetType, this.value);
  }

  /** True for failures (value 0x80 and above). */
  get isFailure(): boolean {
    return this.value >= 0x80;
  }

  /** True when `other` is this value, this name, or a `ReasonCode` with this value. */
  equals(other: number | string | ReasonCode): boolean {
    if (typeof other === 'number') return other === this.value;
    if (typeof other === 'string') return other.toLowerCase() === this.getName().toLowerCase();
    return other.value === this.value;
  }

  /** The numeric value, so `Number(rc)` and `rc > 0x80` work. */
  valueOf(): number {
    return this.value;
  }

  /** The name, as Paho's `str(reason_code)`. */
  toString(): string {
    return this.getName();
  }

  /** `{ value, name }`, as Paho's `json()`. */
  toJSON(): { value: number; name: string } {
    return { value: this.value, name: this.getName() };
  }
}

/**
 * The flag objects passed to `onConnect` and `onDisconnect`, as Paho's `ConnectFlags` and `DisconnectFlags`.
 */

/** Flags of a CONNACK. */
export class ConnectFlags {
  /** True when the broker resumed a session it held for this client id. */
  readonly sessionPresent: boolean;

  constructor(sessionPresent: boolean) {
    this.sessionPresent = sessionPresent;
  }
}

/** Why `onDisconnect` was called. */
export class DisconnectFlags {
  /** True when the broker sent a DISCONNECT packet (MQTT 5); false for a local close or a lost connection. */
  readonly isDisconnectPacketFromServer: boolean;

  constructor(isDisconnectPacketFromServer: boolean) {
    this.isDisconnectPacketFromServer = isDisconnectPacketFromServer;
  }
}

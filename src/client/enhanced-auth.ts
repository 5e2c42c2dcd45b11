/**
 * MQTT 5 enhanced authentication (section 4.12) on the client side: the checks `Client.auth()` makes when no
 * engine exists yet, and the `authenticator` option answering a broker's challenge.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Properties as PacketProperties } from '../packet/types.js';
import type { Authenticator } from './callback-slots.js';
import type { EngineDriver } from './engine-driver.js';
import { describeError } from './logging.js';

/**
 * What the engine would refuse in `auth()`, checked without one: no Authentication Method in the CONNECT
 * [MQTT-4.12.0-7], a reason other than 0x18 / 0x19, or another method than the CONNECT's [MQTT-4.12.0-5].
 */
export function checkAuthWithoutSession(
  connectMethod: string | undefined,
  reasonCode: number,
  properties: PacketProperties,
): void {
  if (connectMethod === undefined) {
    throw new InvalidArgumentError('AUTH needs an Authentication Method in the CONNECT properties');
  }
  if (reasonCode !== 0x18 && reasonCode !== 0x19) {
    throw new InvalidArgumentError(`a client AUTH reason code is 0x18 or 0x19, got ${reasonCode}`);
  }
  const given = properties.authenticationMethod;
  if (given !== undefined && given !== connectMethod) {
    throw new InvalidArgumentError(
      `the AUTH method '${given}' differs from the CONNECT's '${connectMethod}'`,
    );
  }
}

/**
 * Runs `authenticator` on the broker's AUTH 0x18 and sends its answer on the connection the challenge came on
 * (an answer arriving after that connection is gone is dropped). A failing authenticator is logged and the
 * connection closed with DISCONNECT 0x80.
 */
export function answerAuthChallenge(
  driver: EngineDriver,
  authenticator: Authenticator,
  logError: (message: string) => void,
  properties: PacketProperties,
): void {
  const transport = driver.transport;
  const method = properties.authenticationMethod ?? '';
  const failed = (error: unknown): void => {
    logError(`The authenticator failed: ${describeError(error)}`);
    if (driver.transport === transport && transport !== undefined) {
      driver.run((session, now) => session.disconnect(0x80, undefined, now));
    }
  };
  const answer = (data: Uint8Array): void => {
    if (driver.transport !== transport || transport === undefined) return; // that connection is gone
    if (!(data instanceof Uint8Array)) {
      failed(new InvalidArgumentError('the authenticator must return a Uint8Array'));
      return;
    }
    try {
      driver.run((session, now) => session.auth(0x18, { authenticationData: data }, now));
    } catch (error) {
      failed(error);
    }
  };
  try {
    const result = authenticator({ method, data: properties.authenticationData, reasonCode: 0x18 });
    if (result instanceof Uint8Array) answer(result);
    else Promise.resolve(result).then(answer, failed);
  } catch (error) {
    failed(error);
  }
}

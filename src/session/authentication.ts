/**
 * The engine's two calls to the client's authenticator (`SessionOptions.authentication`, MQTT 5 §4.12): the
 * first Authentication Data of each CONNECT, and the check of the broker's data that ends an exchange. Both
 * apply only with an Authentication Method in the CONNECT properties.
 */
import { MqttError } from '../errors.js';
import { AuthenticationError } from './errors.js';
import type { SessionOptions } from './types.js';

/** The CONNECT's Authentication Data from the authenticator, or undefined to keep the properties' own. */
export function initialAuthenticationData(o: SessionOptions): Uint8Array | undefined {
  if (o.connectProperties?.authenticationMethod === undefined) return undefined;
  return o.authentication?.start?.();
}

/** The authenticator's verdict on the broker's final Authentication Data: undefined when it accepts it. */
export function refuseFinalAuthentication(
  o: SessionOptions,
  data: Uint8Array | undefined,
): MqttError | undefined {
  const hooks = o.authentication;
  if (hooks?.verify === undefined || o.connectProperties?.authenticationMethod === undefined)
    return undefined;
  try {
    hooks.verify(data);
    return undefined;
  } catch (error) {
    return error instanceof MqttError
      ? error
      : new AuthenticationError(`the authenticator refused the broker's final data: ${String(error)}`, {
          cause: error,
        });
  }
}

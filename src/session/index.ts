/** The session engine's public surface. */
export { Session } from './session.js';
export { ProtocolViolationError, SessionReconfigureError, SessionTimeoutError } from './errors.js';
export { MQTTErrorCode, errorString } from './error-code.js';
export type * from './types.js';

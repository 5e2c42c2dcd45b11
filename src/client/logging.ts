/**
 * Log plumbing: Paho's `LogLevel` values for `onLog`, and the mapping onto a logger object with
 * `debug/info/warn/error` methods (`console`, pino, winston...) for `enableLogger()`.
 */
import { LogLevel } from './enums.js';

/** Any object with these four methods: `console`, a pino or winston logger... */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** The engine's level names → Paho's levels. */
export function logLevelOf(level: 'debug' | 'info' | 'warn' | 'error'): LogLevel {
  switch (level) {
    case 'debug':
      return LogLevel.MQTT_LOG_DEBUG;
    case 'info':
      return LogLevel.MQTT_LOG_INFO;
    case 'warn':
      return LogLevel.MQTT_LOG_WARNING;
    case 'error':
      return LogLevel.MQTT_LOG_ERR;
    default:
      return LogLevel.MQTT_LOG_INFO;
  }
}

/** Paho's mapping: ERR → error, WARNING → warn, NOTICE and INFO → info, DEBUG → debug. */
export function writeToLogger(logger: Logger, level: LogLevel, message: string): void {
  switch (level) {
    case LogLevel.MQTT_LOG_ERR:
      logger.error(message);
      break;
    case LogLevel.MQTT_LOG_WARNING:
      logger.warn(message);
      break;
    case LogLevel.MQTT_LOG_DEBUG:
      logger.debug(message);
      break;
    default:
      logger.info(message);
      break;
  }
}

/** Checks that `logger` has the four methods. */
export function isLogger(logger: unknown): logger is Logger {
  if (typeof logger !== 'object' || logger === null) return false;
  const candidate = logger as Record<string, unknown>;
  return ['debug', 'info', 'warn', 'error'].every((name) => typeof candidate[name] === 'function');
}

/** A short description of a thrown value for a log line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Turns the parsed flags both commands share into the connection settings (the helpers' `ConnectionOptions`)
 * and the rest of a command's configuration, checking every value as mosquitto's tools do.
 */
import { MQTTProtocolVersion } from '../client/enums.js';
import type { Logger } from '../client/logging.js';
import type { Properties as PacketProperties, QoS } from '../packet/types.js';
import type { ConnectionOptions, TlsOptions, WillOptions } from '../simple/options.js';
import { UsageError, type ParsedFlags } from './args.js';
import { PASSWORD_ENV, PASSWORD_FROM_STDIN } from './password.js';
import { parseInteger, parseProperties, type PropertyCommand } from './properties.js';

/** What both commands need. */
export interface CommonConfig {
  connection: ConnectionOptions;
  /** MQTT 3.x clean session (false with -c). */
  cleanSession: boolean;
  /** -t (and the topic of -L). */
  topics: string[];
  qos: QoS;
  /** -D properties per command. */
  properties: Partial<Record<PropertyCommand, PacketProperties>>;
  /** --persist FILE */
  persist: string | undefined;
  /** -W, in milliseconds. */
  timeoutMs: number | undefined;
  quiet: boolean;
  /** `-P -`: the password is the first line of standard input (see password.ts). */
  passwordFromStdin: boolean;
}

const NEVER_EXPIRES = 0xffffffff;

/** --tls-version → the one TLS version offered. */
const TLS_VERSIONS: Record<string, 'TLSv1.3' | 'TLSv1.2' | 'TLSv1.1'> = {
  'tlsv1.3': 'TLSv1.3',
  'tlsv1.2': 'TLSv1.2',
  'tlsv1.1': 'TLSv1.1',
};

/** Reads a flag that takes one value. */
export function text(flags: ParsedFlags, key: string): string | undefined {
  const value = flags[key];
  return typeof value === 'string' ? value : undefined;
}

/** Reads a switch. */
export function on(flags: ParsedFlags, key: string): boolean {
  return flags[key] === true;
}

/** Reads a repeatable flag. */
export function list(flags: ParsedFlags, key: string): string[] {
  const value = flags[key];
  return Array.isArray(value) ? (value as string[]) : [];
}

function parseQos(value: string | undefined, what: string): QoS {
  if (value === undefined) return 0;
  return parseInteger(value, what, 0, 2) as QoS;
}

function parseVersion(value: string | undefined): MQTTProtocolVersion {
  switch (value) {
    case undefined:
    case 'mqttv311':
    case '311':
      return MQTTProtocolVersion.MQTTv311;
    case 'mqttv5':
    case '5':
      return MQTTProtocolVersion.MQTTv5;
    case 'mqttv31':
    case '31':
      return MQTTProtocolVersion.MQTTv31;
    default:
      throw new UsageError(`-V: unknown protocol version '${value}' (mqttv5, mqttv311 or mqttv31)`);
  }
}

interface ParsedUrl {
  scheme: 'mqtt' | 'mqtts' | 'ws' | 'wss';
  username?: string;
  password?: string;
  host: string;
  port?: number;
  topic?: string;
}

/** `mqtt(s)://[user[:password]@]host[:port]/topic`, and ws(s):// for WebSocket. */
export function parseUrl(url: string): ParsedUrl {
  const match =
    /^(mqtts?|wss?):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?(?:\/(.*))?$/.exec(url);
  if (match === null) {
    throw new UsageError(`-L: '${url}' is not mqtt(s)://[username[:password]@]host[:port]/topic`);
  }
  const [, scheme, username, password, host, port, topic] = match;
  return {
    scheme: scheme as ParsedUrl['scheme'],
    username: username === undefined ? undefined : decodeURIComponent(username),
    password: password === undefined ? undefined : decodeURIComponent(password),
    host: host.replace(/^\[|\]$/g, ''),
    port: port === undefined ? undefined : parseInteger(port, '-L port', 1, 65535),
    topic: topic === undefined || topic === '' ? undefined : decodeURIComponent(topic),
  };
}

function parseWill(flags: ParsedFlags): WillOptions | undefined {
  const topic = text(flags, 'willTopic');
  if (topic === undefined) {
    if (['willPayload', 'willQos', 'willRetain'].some((key) => flags[key] !== undefined)) {
      throw new UsageError('--will-payload, --will-qos and --will-retain need --will-topic');
    }
    return undefined;
  }
  return {
    topic,
    payload: text(flags, 'willPayload') ?? null,
    qos: parseQos(text(flags, 'willQos'), '--will-qos'),
    retain: on(flags, 'willRetain'),
  };
}

function parseTls(flags: ParsedFlags, secureScheme: boolean): TlsOptions | undefined {
  const cafile = text(flags, 'cafile');
  const cert = text(flags, 'cert');
  const key = text(flags, 'key');
  const tlsVersion = text(flags, 'tlsVersion');
  const insecure = on(flags, 'insecure');
  if (
    !secureScheme &&
    cafile === undefined &&
    cert === undefined &&
    key === undefined &&
    tlsVersion === undefined
  ) {
    if (insecure) throw new UsageError('--insecure needs TLS (--cafile or an mqtts:// URL)');
    return undefined;
  }
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--cert and --key go together');
  if (tlsVersion !== undefined && !Object.hasOwn(TLS_VERSIONS, tlsVersion)) {
    throw new UsageError(`--tls-version must be tlsv1.3, tlsv1.2 or tlsv1.1, got '${tlsVersion}'`);
  }
  const tls: TlsOptions = { caCerts: cafile, certfile: cert, keyfile: key };
  if (tlsVersion !== undefined) {
    const version = TLS_VERSIONS[tlsVersion];
    tls.minVersion = version;
    tls.maxVersion = version;
  }
  if (insecure) tls.insecure = true;
  return tls;
}

function stderrLogger(): Logger {
  const write = (message: string): void => {
    process.stderr.write(`${message}\n`);
  };
  return { debug: write, info: write, warn: write, error: write };
}

/**
 * Builds the common configuration. `env` is the environment the password may come from (`MQTT_PASSWORD`),
 * only when neither `-P` nor the -L URL gives one.
 */
export function commonConfig(
  flags: ParsedFlags,
  env: Readonly<Record<string, string | undefined>> = {},
): CommonConfig {
  const url = text(flags, 'url');
  const parsedUrl = url === undefined ? undefined : parseUrl(url);
  const protocol = parseVersion(text(flags, 'version'));
  const v5 = protocol === MQTTProtocolVersion.MQTTv5;
  const secure = parsedUrl?.scheme === 'mqtts' || parsedUrl?.scheme === 'wss';
  const tls = parseTls(flags, secure);
  const websockets = parsedUrl?.scheme === 'ws' || parsedUrl?.scheme === 'wss';
  const portText = text(flags, 'port');
  const defaultPort = websockets ? (tls ? 443 : 80) : tls ? 8883 : 1883;
  const port =
    portText !== undefined ? parseInteger(portText, '-p', 1, 65535) : (parsedUrl?.port ?? defaultPort);

  const idPrefix = text(flags, 'idPrefix');
  const clientId = text(flags, 'id') ?? (idPrefix === undefined ? '' : `${idPrefix}${process.pid}`);
  const noClean = on(flags, 'noClean');
  if (noClean && clientId === '') throw new UsageError('-c needs a client id (-i or -I)');
  const persist = text(flags, 'persist');
  if (persist !== undefined && clientId === '')
    throw new UsageError('--persist needs a client id (-i or -I)');

  const words = flags.property as string[][] | undefined;
  if (words !== undefined && !v5) throw new UsageError('-D needs MQTT 5 (-V mqttv5)');
  const properties = parseProperties(words ?? []);
  const expiryText = text(flags, 'sessionExpiry');
  if (expiryText !== undefined && !v5) throw new UsageError('-x needs MQTT 5 (-V mqttv5)');
  let sessionExpiry: number | undefined;
  if (expiryText === '-1' || expiryText === '∞') sessionExpiry = NEVER_EXPIRES;
  else if (expiryText !== undefined) sessionExpiry = parseInteger(expiryText, '-x', 0, NEVER_EXPIRES);
  else if (noClean && v5) sessionExpiry = NEVER_EXPIRES;
  const connectProperties: PacketProperties = { ...properties.connect };
  if (sessionExpiry !== undefined) connectProperties.sessionExpiryInterval = sessionExpiry;

  const will = parseWill(flags);
  if (will !== undefined && properties.will !== undefined) will.properties = properties.will;
  const username = text(flags, 'username') ?? parsedUrl?.username;
  const passwordFlag = text(flags, 'password');
  const passwordFromStdin = passwordFlag === PASSWORD_FROM_STDIN;
  if (passwordFlag !== undefined && username === undefined) throw new UsageError('-P needs a user name (-u)');
  const password = passwordFromStdin
    ? undefined
    : (passwordFlag ?? parsedUrl?.password ?? (username === undefined ? undefined : env[PASSWORD_ENV]));
  const keepaliveText = text(flags, 'keepalive');
  const timeoutText = text(flags, 'timeout');

  const connection: ConnectionOptions = {
    hostname: text(flags, 'host') ?? parsedUrl?.host ?? 'localhost',
    port,
    clientId,
    protocol,
    keepalive: keepaliveText === undefined ? 60 : parseInteger(keepaliveText, '-k', 0, 65535),
  };
  if (will !== undefined) connection.will = will;
  if (username !== undefined) connection.auth = { username, password };
  if (tls !== undefined) connection.tls = tls;
  if (websockets) connection.transport = 'websockets';
  if (v5) connection.cleanStart = !noClean;
  if (Object.keys(connectProperties).length > 0) connection.connectProperties = connectProperties;
  if (on(flags, 'debug')) connection.logger = stderrLogger();

  const topics = list(flags, 'topic');
  if (parsedUrl?.topic !== undefined) topics.unshift(parsedUrl.topic);
  return {
    connection,
    cleanSession: !noClean,
    topics,
    qos: parseQos(text(flags, 'qos'), '-q'),
    properties,
    persist,
    timeoutMs: timeoutText === undefined ? undefined : parseInteger(timeoutText, '-W', 1, 2_147_483) * 1000,
    quiet: on(flags, 'quiet'),
    passwordFromStdin,
  };
}

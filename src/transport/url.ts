/**
 * Broker URLs: `mqtt://`, `tcp://` (TCP, port 1883), `mqtts://`, `ssl://`, `tls://` (TLS, 8883), `ws://` (80),
 * `wss://` (443) (path default `/mqtt`), `unix:///path/to/socket`; credentials may be given in the URL
 * (`mqtt://user:pass@host`). Pure: no Node module.
 */
import { InvalidArgumentError } from '../errors.js';
import type { TransportKind } from './types.js';
import { DEFAULT_WS_PATH } from './websocket-options.js';

/** A parsed broker URL. */
export interface BrokerUrl {
  /** The transport it names. */
  kind: TransportKind;
  /** The host name or IP address (without brackets), or the socket path for `unix`. */
  host: string;
  /** The port (the scheme's default when the URL has none); 0 for `unix`. */
  port: number;
  /** For `ws`/`wss`: the path with any query string (default `/mqtt`). */
  path?: string;
  /** From the URL's user-info, percent-decoded. */
  username?: string;
  password?: string;
  /** The URL without credentials (for logs and `Client.currentBroker`). */
  url: string;
}

const SCHEMES: Readonly<Record<string, { kind: TransportKind; port: number }>> = {
  mqtt: { kind: 'tcp', port: 1883 },
  tcp: { kind: 'tcp', port: 1883 },
  mqtts: { kind: 'tls', port: 8883 },
  ssl: { kind: 'tls', port: 8883 },
  tls: { kind: 'tls', port: 8883 },
  'mqtt+ssl': { kind: 'tls', port: 8883 },
  ws: { kind: 'ws', port: 80 },
  wss: { kind: 'wss', port: 443 },
  unix: { kind: 'unix', port: 0 },
};

/** True when `value` looks like a URL (`scheme://...`) rather than a bare host name. */
export function isBrokerUrl(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
}

function decode(part: string): string | undefined {
  return part === '' ? undefined : decodeURIComponent(part);
}

/**
 * Parses a broker URL.
 * @throws InvalidArgumentError for an unknown scheme, a missing host, or a malformed URL.
 */
export function parseBrokerUrl(value: string): BrokerUrl {
  const schemeMatch = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (schemeMatch === null) {
    throw new InvalidArgumentError(
      `not a broker URL: ${JSON.stringify(value)} (expected mqtt://, mqtts://, ws://, wss://, unix://...)`,
    );
  }
  const scheme = schemeMatch[1].toLowerCase();
  const known = SCHEMES[scheme];
  if (known === undefined) {
    throw new InvalidArgumentError(
      `unknown broker URL scheme "${scheme}" in ${JSON.stringify(value)}: use ${Object.keys(SCHEMES).join(', ')}`,
    );
  }
  if (known.kind === 'unix') {
    // unix:///var/run/mosquitto.sock (empty authority) or unix://relative/path.sock
    const path = decodeURIComponent(value.slice(schemeMatch[0].length));
    if (path === '') throw new InvalidArgumentError(`unix URL ${JSON.stringify(value)} has no socket path`);
    return { kind: 'unix', host: path, port: 0, url: `unix://${path}` };
  }
  let url: URL;
  try {
    // WHATWG URL parsing is only "special" for http(s)/ws(s); parse every scheme as http to get the same rules.
    url = new URL(`http://${value.slice(schemeMatch[0].length)}`);
  } catch (err) {
    throw new InvalidArgumentError(`invalid broker URL ${JSON.stringify(value)}`, { cause: err });
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new InvalidArgumentError(`broker URL ${JSON.stringify(value)} has no host`);
  const port = url.port === '' ? known.port : Number(url.port);
  const result: BrokerUrl = { kind: known.kind, host, port, url: '' };
  const username = decode(url.username);
  const password = decode(url.password);
  if (username !== undefined) result.username = username;
  if (password !== undefined) result.password = password;
  const rest = value.slice(schemeMatch[0].length);
  const hasPath = /^[^/?#]*[/?]/.test(rest);
  if (known.kind === 'ws' || known.kind === 'wss') {
    result.path = hasPath ? `${url.pathname}${url.search}` : DEFAULT_WS_PATH;
  }
  const bracketed = host.includes(':') ? `[${host}]` : host;
  result.url = `${scheme}://${bracketed}:${port}${result.path ?? ''}`;
  return result;
}

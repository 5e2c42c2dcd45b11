/**
 * Proxy settings: the explicit form (`proxySet(...)`), proxy URLs, and the choice made from the environment
 * variables `mqtt_proxy` (TCP and TLS), `http_proxy` (ws://), `https_proxy` (wss://) and `no_proxy`.
 * Pure: no Node module.
 */
import { InvalidArgumentError } from '../../errors.js';

/** A SOCKS5 (RFC 1928, with RFC 1929 username/password) or HTTP CONNECT proxy. */
export interface ProxyOptions {
  /** `'socks5'` or `'http'` (HTTP CONNECT; Basic credentials). */
  type: 'socks5' | 'http';
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/**
 * How a transport reaches the broker: through the given proxy, through the proxy the environment names
 * (`'env'`, the default), or directly (`'none'`).
 */
export type ProxySetting = ProxyOptions | 'env' | 'none';

/** The environment variables read, as an object (`process.env` in Node). */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

const DEFAULT_PORTS: Readonly<Record<ProxyOptions['type'], number>> = { socks5: 1080, http: 80 };

function decode(part: string): string | undefined {
  return part === '' ? undefined : decodeURIComponent(part);
}

/**
 * Parses `socks5://user:pass@host:1080`, `socks5h://...`, `socks://...` or `http://user:pass@host:3128`. A value
 * without a scheme is taken as HTTP, as curl does.
 * @throws InvalidArgumentError for another scheme or a malformed URL.
 */
export function parseProxyUrl(value: string): ProxyOptions {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch (err) {
    throw new InvalidArgumentError(`invalid proxy URL ${JSON.stringify(value)}`, { cause: err });
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  let type: ProxyOptions['type'];
  if (scheme === 'socks5' || scheme === 'socks5h' || scheme === 'socks') type = 'socks5';
  else if (scheme === 'http') type = 'http';
  else {
    throw new InvalidArgumentError(
      `unsupported proxy scheme "${scheme}" in ${JSON.stringify(value)}: use socks5:// or http://`,
    );
  }
  if (url.hostname === '') throw new InvalidArgumentError(`proxy URL ${JSON.stringify(value)} has no host`);
  const proxy: ProxyOptions = {
    type,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? DEFAULT_PORTS[type] : Number(url.port),
  };
  const username = decode(url.username);
  const password = decode(url.password);
  if (username !== undefined) proxy.username = username;
  if (password !== undefined) proxy.password = password;
  return proxy;
}

/** Checks an explicit proxy's fields. @throws InvalidArgumentError */
export function checkProxyOptions(proxy: ProxyOptions): ProxyOptions {
  if (proxy.type !== 'socks5' && proxy.type !== 'http') {
    throw new InvalidArgumentError(`proxy type must be "socks5" or "http", got ${String(proxy.type)}`);
  }
  if (typeof proxy.host !== 'string' || proxy.host === '') {
    throw new InvalidArgumentError('proxy host must be a non-empty string');
  }
  if (!Number.isInteger(proxy.port) || proxy.port < 1 || proxy.port > 65535) {
    throw new InvalidArgumentError(`proxy port must be an integer 1..65535, got ${String(proxy.port)}`);
  }
  if (proxy.type === 'socks5') {
    for (const [name, value] of [
      ['username', proxy.username],
      ['password', proxy.password],
    ] as const) {
      if (value !== undefined && new TextEncoder().encode(value).length > 255) {
        throw new InvalidArgumentError(`SOCKS5 ${name} must be at most 255 bytes (RFC 1929)`);
      }
    }
  }
  return proxy;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

function envValue(env: ProxyEnvironment, name: string): string | undefined {
  const value = env[name] ?? env[name.toUpperCase()];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * True when `no_proxy` exempts `host` (and `port`): `*` exempts all; each comma- or space-separated entry is a
 * host name (matching itself and its subdomains; a leading `.` or `*.` is allowed), an IP address, or either
 * with `:port`.
 */
export function isNoProxy(host: string, port: number, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  const target = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    // "[v6]" or "[v6]:port", "name:port" / "v4:port", else a bare name or address (a bare v6 has several ':').
    const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(entry);
    const withPort = bracketed === null ? /^([^:]+):(\d+)$/.exec(entry) : null;
    const entryHost = bracketed?.[1] ?? withPort?.[1] ?? entry;
    const entryPort = bracketed?.[2] ?? withPort?.[2];
    if (entryPort !== undefined && Number(entryPort) !== port) continue;
    const name = entryHost.replace(/^\*?\./, '');
    if (target === name || target.endsWith(`.${name}`)) return true;
  }
  return false;
}

/** What the environment lookup needs to know about the connection. */
export interface ProxyTarget {
  kind: 'tcp' | 'tls' | 'ws' | 'wss' | 'unix';
  host: string;
  port: number;
}

/**
 * The proxy to use for `target`, or undefined for a direct connection. With `'env'`: `mqtt_proxy` for TCP and
 * TLS, `http_proxy` for ws://, `https_proxy` for wss:// (upper-case names too; lower case wins), unless
 * `no_proxy` exempts the host; a loopback broker (localhost, 127.x, ::1) is never proxied from the environment,
 * and Unix sockets never are.
 * @throws InvalidArgumentError when the environment names a malformed proxy URL.
 */
export function selectProxy(
  setting: ProxySetting | undefined,
  target: ProxyTarget,
  env: ProxyEnvironment,
): ProxyOptions | undefined {
  if (target.kind === 'unix') return undefined;
  if (setting === 'none') return undefined;
  if (setting !== undefined && setting !== 'env') return checkProxyOptions(setting);
  const variable = target.kind === 'ws' ? 'http_proxy' : target.kind === 'wss' ? 'https_proxy' : 'mqtt_proxy';
  const value = envValue(env, variable);
  if (value === undefined) return undefined;
  if (isLoopback(target.host) || isNoProxy(target.host, target.port, envValue(env, 'no_proxy'))) {
    return undefined;
  }
  return parseProxyUrl(value);
}

/** `proxy` as `socks5://host:port` / `http://host:port`, without credentials, for logs and messages. */
export function describeProxy(proxy: ProxyOptions): string {
  const host = proxy.host.includes(':') ? `[${proxy.host}]` : proxy.host;
  return `${proxy.type}://${host}:${proxy.port}`;
}

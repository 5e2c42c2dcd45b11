/**
 * MQTT over TLS (`node:tls`), directly or through a proxy tunnel. Certificate and host-name verification are on
 * by default; `TlsOptions` turns them off only when asked (`insecure`, `certReqs: 'none'`). The SNI name is the
 * host connected to unless it is an IP address (or `servername` says otherwise).
 */
import { readFileSync } from 'node:fs';
import { isIP, type Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { connectTls, type OpeningSignal } from './connect-socket.js';
import { TlsError } from './errors.js';
import type { TlsOptions } from './tls-options.js';

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new TlsError(`cannot read the ${what} file ${path}: ${(err as Error).message}`, 'configuration', {
      cause: err,
    });
  }
}

function asList<T>(value: T | readonly T[] | undefined): readonly T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

function toPem(value: string | Uint8Array): string | Buffer {
  return typeof value === 'string' ? value : Buffer.from(value);
}

/** True when `tls` configures a client certificate. */
export function hasClientCertificate(tls: TlsOptions | undefined): boolean {
  return (
    tls !== undefined &&
    (tls.certfile !== undefined ||
      tls.cert !== undefined ||
      tls.context !== undefined ||
      tls.nodeOptions?.cert !== undefined ||
      tls.nodeOptions?.pfx !== undefined)
  );
}

/**
 * The `tls.connect()` options for `host:port` from `TlsOptions`; files are read now (so a rotated certificate
 * is picked up on the next connection).
 * @throws TlsError with reason `'configuration'` when a file cannot be read.
 */
export function tlsConnectionOptions(
  tls: TlsOptions | undefined,
  host: string,
  port: number,
): ConnectionOptions {
  const t = tls ?? {};
  const options: ConnectionOptions = { host, port, rejectUnauthorized: t.certReqs !== 'none' };
  const servername = t.servername ?? (isIP(host) === 0 ? host : undefined);
  if (servername !== undefined) options.servername = servername;
  if (t.context !== undefined) {
    options.secureContext = t.context;
  } else {
    const ca = [
      ...asList(t.caCerts).map((path) => readPem(path, 'CA certificate')),
      ...asList(t.ca).map(toPem),
    ];
    if (ca.length > 0) options.ca = ca;
    if (t.certfile !== undefined) options.cert = readPem(t.certfile, 'client certificate');
    else if (t.cert !== undefined) options.cert = toPem(t.cert);
    if (t.keyfile !== undefined) options.key = readPem(t.keyfile, 'private key');
    else if (t.key !== undefined) options.key = toPem(t.key);
    if (options.cert !== undefined && options.key === undefined) options.key = options.cert; // key in certfile
    if (t.keyPassword !== undefined) options.passphrase = t.keyPassword;
    if (t.minVersion !== undefined) options.minVersion = t.minVersion;
    if (t.maxVersion !== undefined) options.maxVersion = t.maxVersion;
    if (t.ciphers !== undefined) options.ciphers = t.ciphers;
  }
  if (t.alpnProtocols !== undefined) options.ALPNProtocols = [...t.alpnProtocols];
  if (t.insecure === true) options.checkServerIdentity = () => undefined;
  return { ...options, ...t.nodeOptions };
}

/**
 * Runs the TLS handshake on a new connection to `host:port`, or on `socket` (a proxy tunnel) when given.
 * Rejects with a `TlsError` saying why the handshake or the checks failed.
 */
export function startTls(
  tls: TlsOptions | undefined,
  host: string,
  port: number,
  socket: Socket | undefined,
  signal?: OpeningSignal,
): Promise<TLSSocket> {
  let options: ConnectionOptions;
  try {
    options = tlsConnectionOptions(tls, host, port);
  } catch (err) {
    socket?.destroy();
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  if (socket !== undefined) options.socket = socket;
  return connectTls(options, `${host}:${port}`, hasClientCertificate(tls), signal);
}

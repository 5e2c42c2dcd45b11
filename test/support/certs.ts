/**
 * Test certificates made with `openssl` (Debian ships it) once per process, in a temporary folder removed at
 * exit: a CA, a server certificate for `DNS:localhost, IP:127.0.0.1`, a client certificate, the client key
 * encrypted with a passphrase, a second CA that signed nothing the broker uses ("wrong CA"), and a server
 * certificate that expired on creation.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCerts {
  readonly dir: string;
  readonly caCert: string;
  readonly caKey: string;
  /** Server certificate and key (subjectAltName DNS:localhost, IP:127.0.0.1; serverAuth). */
  readonly serverCert: string;
  readonly serverKey: string;
  /** Client certificate and key (CN=test-client; clientAuth), signed by the CA. */
  readonly clientCert: string;
  readonly clientKey: string;
  /** The client key encrypted with AES-256 and `clientKeyPassword`. */
  readonly clientKeyEncrypted: string;
  readonly clientKeyPassword: string;
  /** A CA that signed nothing here: trusting only it makes every server certificate "unknown CA". */
  readonly otherCaCert: string;
  /** A server certificate (same names) whose validity ended when it was made; key `serverKey`. */
  readonly expiredServerCert: string;
}

/** The password of `clientKeyEncrypted`. */
const PASSWORD = 'correct horse battery staple';

let cached: TestCerts | undefined;

function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

/** True when `openssl` can be run. */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

/** The test certificates (made on the first call; the same paths afterwards). */
export function testCerts(): TestCerts {
  if (cached !== undefined) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-certs-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const keyArgs = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(dir, [
    'req',
    '-x509',
    ...keyArgs,
    '-days',
    '3650',
    '-subj',
    '/CN=steady-mqtt-test-ca',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
  ]);
  openssl(dir, [
    'req',
    '-x509',
    ...keyArgs,
    '-days',
    '3650',
    '-subj',
    '/CN=other-ca',
    '-keyout',
    'other-ca.key',
    '-out',
    'other-ca.crt',
  ]);
  writeFileSync(
    join(dir, 'server.ext'),
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
  );
  writeFileSync(
    join(dir, 'client.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  openssl(dir, ['req', ...keyArgs, '-subj', '/CN=localhost', '-keyout', 'server.key', '-out', 'server.csr']);
  const sign = (csr: string, ext: string, days: string, out: string): void =>
    openssl(dir, [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-days',
      days,
      '-sha256',
      '-extfile',
      ext,
      '-out',
      out,
    ]);
  sign('server.csr', 'server.ext', '3650', 'server.crt');
  sign('server.csr', 'server.ext', '0', 'expired-server.crt'); // notAfter = notBefore = now
  openssl(dir, [
    'req',
    ...keyArgs,
    '-subj',
    '/CN=test-client',
    '-keyout',
    'client.key',
    '-out',
    'client.csr',
  ]);
  sign('client.csr', 'client.ext', '3650', 'client.crt');
  openssl(dir, [
    'pkey',
    '-in',
    'client.key',
    '-aes256',
    '-passout',
    `pass:${PASSWORD}`,
    '-out',
    'client-encrypted.key',
  ]);
  cached = {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
    clientKeyEncrypted: join(dir, 'client-encrypted.key'),
    clientKeyPassword: PASSWORD,
    otherCaCert: join(dir, 'other-ca.crt'),
    expiredServerCert: join(dir, 'expired-server.crt'),
  };
  return cached;
}

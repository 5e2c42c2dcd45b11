/**
 * The suites' fixture secrets, and the scan that looks for them (issue 15: no password, authentication data or
 * payload in a log line, an error or a `toString()`). Every suite takes its passwords and authentication data
 * from here, so the secrets scan (test/support/scan-secrets.ts) can look for them in everything every client
 * logs. Each secret is long and unlike any other text, so finding one is never a coincidence.
 *
 * Payloads are not replaced everywhere: tests assert on them and many are a letter long. The scan looks for the
 * payload markers below, which the suites that test payload confidentiality (hostile/secrets.test.ts) send.
 */

/** The password the suites' clients send (the broker fixtures accept it for the user `user`). */
export const FIXTURE_PASSWORD = 'fixture-pw-5f1c9e0b';
/** A password the brokers refuse. */
export const FIXTURE_WRONG_PASSWORD = 'fixture-wrongpw-2e7a';
/** The password in a `mqtt://user:password@host` URL. */
export const FIXTURE_URL_PASSWORD = 'fixture-urlpw-6b0e2d';
/** A proxy's password (SOCKS5 user/password, HTTP `Proxy-Authorization`). */
export const FIXTURE_PROXY_PASSWORD = 'fixture-proxypw-c41d';
/** The SCRAM password (it never crosses the wire: the exchange proves it). */
export const FIXTURE_SCRAM_PASSWORD = 'fixture-scram-8b3f70';
/** MQTT 5 Authentication Data, as text. */
export const FIXTURE_AUTH_DATA = 'fixture-auth-7d2b44';
/** Payload markers: a payload that contains one must not be shown anywhere. */
export const SECRET_PAYLOAD_OUT = 'fixture-payload-out-3a8e';
export const SECRET_PAYLOAD_IN = 'fixture-payload-in-91cd';

export const FIXTURE_SECRETS: readonly string[] = [
  FIXTURE_PASSWORD,
  FIXTURE_WRONG_PASSWORD,
  FIXTURE_URL_PASSWORD,
  FIXTURE_PROXY_PASSWORD,
  FIXTURE_SCRAM_PASSWORD,
  FIXTURE_AUTH_DATA,
  SECRET_PAYLOAD_OUT,
  SECRET_PAYLOAD_IN,
];

/** The secret as text, and as the hex and base64 a careless formatter would print its bytes in. */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  return [secret, bytes.toString('hex'), bytes.toString('base64').replace(/=+$/, '')];
}

const FORMS: readonly string[] = FIXTURE_SECRETS.flatMap(secretForms);

/** The first form of a fixture secret that `text` contains, if any. */
export function findSecret(text: string): string | undefined {
  return FORMS.find((form) => text.includes(form));
}

/** Fails (throws) when `text` shows a fixture secret; `where` says what the text is. */
export function assertNoSecret(text: string, where: string): void {
  const form = findSecret(text);
  if (form !== undefined) throw new Error(`${where} shows a fixture secret (${form}): ${text}`);
}

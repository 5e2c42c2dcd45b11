/**
 * SCRAM-SHA-256 and SCRAM-SHA-1 (RFC 5802, RFC 7677) as an MQTT 5 enhanced-authentication `Authenticator`
 * (MQTT 5 §4.12), on Web Crypto (`crypto.subtle`: PBKDF2, HMAC, digests), so the same code runs in Node,
 * browsers (in a secure context), Bun and Deno.
 *
 * The exchange, in MQTT 5 packets:
 *   CONNECT  Authentication Method "SCRAM-SHA-256", Authentication Data = client-first  (`start()`)
 *   AUTH 0x18 from the broker: server-first  → AUTH 0x18 from the client: client-final  (the authenticator)
 *   CONNACK 0x00 with Authentication Data = server-final                                 (`verify()`)
 * A re-authentication (`client.auth(0x19)`) runs the same three steps, ending with the broker's AUTH 0x00.
 * `verify()` checks the server signature `v=`: a broker that cannot prove it knows the password (or accepts the
 * client without finishing the exchange) fails the connection with `AuthenticationError`.
 *
 * No channel binding: the GS2 header is `n,,` ("client does not support channel binding"), so TLS, when used,
 * is not tied to the exchange. No authorization identity. User name and password go through SASLprep
 * (`saslprep.ts`, with its stated limits); `,` and `=` in the user name are sent as `=2C` and `=3D`.
 */
import { InvalidArgumentError } from '../errors.js';
import { AuthenticationError } from '../session/errors.js';
import type { AuthChallenge, Authenticator } from './callback-slots.js';
import { NotSupportedError } from './errors.js';
import { saslprep } from './saslprep.js';

export type ScramMechanism = 'SCRAM-SHA-256' | 'SCRAM-SHA-1';

export interface ScramOptions {
  username: string;
  password: string;
  /** Default `'SCRAM-SHA-256'`. */
  mechanism?: ScramMechanism;
}

/**
 * The `authenticator` option for a SCRAM exchange. The client takes the method and the first data of every
 * CONNECT from it (a new client nonce per connection), gives it the broker's challenges, and has it verify the
 * broker's final message; `client.auth(0x19)` without data starts a re-authentication with `start()`.
 */
export interface ScramAuthenticator extends Authenticator {
  readonly method: ScramMechanism;
  start(): Uint8Array;
  verify(data: Uint8Array | undefined): void;
}

const HASHES: Record<ScramMechanism, { hash: 'SHA-256' | 'SHA-1'; bits: number }> = {
  'SCRAM-SHA-256': { hash: 'SHA-256', bits: 256 },
  'SCRAM-SHA-1': { hash: 'SHA-1', bits: 160 },
};

/**
 * RFC 7677 §4: a server SHOULD announce at least 4096 iterations; fewer let anyone who records the exchange test
 * passwords cheaply, so a smaller count is refused. The upper bound keeps a hostile broker from making the
 * client hash for minutes (10 million PBKDF2 rounds take seconds).
 */
const MIN_ITERATIONS = 4096;
const MAX_ITERATIONS = 10_000_000;
/** 18 random bytes: a 24-character base64 client nonce. */
const NONCE_BYTES = 18;
/** base64("n,,"): the GS2 header, echoed in the client-final's channel binding attribute. */
const CHANNEL_BINDING = 'c=biws';

/** Bytes over an `ArrayBuffer`, as Web Crypto takes them. */
type Bytes = Uint8Array<ArrayBuffer>;

const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** Where the exchange is: waiting for the server-first, for the server-final, or done. */
type State =
  | { step: 'idle' }
  | { step: 'first-sent'; nonce: string; clientFirstBare: string }
  | { step: 'computing' }
  | { step: 'final-sent'; serverSignature: Uint8Array }
  | { step: 'verified' };

/** A SCRAM authenticator for `username`/`password` (see `ScramAuthenticator`). */
export function scramAuthenticator(options: ScramOptions): ScramAuthenticator {
  return createScram(options, randomNonce);
}

/** As `scramAuthenticator`, with the nonce source given: the tests use the RFCs' fixed nonces. */
export function createScram(options: ScramOptions, nonce: () => string): ScramAuthenticator {
  const { username, password, mechanism } = checkOptions(options);
  const subtle = webCrypto();
  const { hash, bits } = HASHES[mechanism];
  const user = escapeUsername(saslprep(username, 'user name'));
  const passwordBytes = utf8.encode(saslprep(password, 'password'));
  let state: State = { step: 'idle' };
  /** The last salted password, by salt and count: a re-authentication usually gets the same ones. */
  let salted: { key: string; value: Bytes } | undefined;

  const saltedPassword = async (salt: Bytes, iterations: number): Promise<Bytes> => {
    const key = `${toBase64(salt)}:${iterations}`;
    if (salted?.key === key) return salted.value;
    const base = await subtle.importKey('raw', passwordBytes, 'PBKDF2', false, ['deriveBits']);
    const value = new Uint8Array(
      await subtle.deriveBits({ name: 'PBKDF2', hash, salt, iterations }, base, bits),
    );
    salted = { key, value };
    return value;
  };
  const hmac = async (key: Bytes, text: Bytes): Promise<Bytes> => {
    const imported = await subtle.importKey('raw', key, { name: 'HMAC', hash }, false, ['sign']);
    return new Uint8Array(await subtle.sign('HMAC', imported, text));
  };

  /** The client-final for `serverFirst` (RFC 5802 §3), and the server signature to expect. */
  const clientFinal = async (
    first: { nonce: string; clientFirstBare: string },
    serverFirst: string,
  ): Promise<{ message: string; serverSignature: Uint8Array }> => {
    const { nonce, salt, iterations } = parseServerFirst(serverFirst, first.nonce);
    const withoutProof = `${CHANNEL_BINDING},r=${nonce}`;
    const authMessage = utf8.encode(`${first.clientFirstBare},${serverFirst},${withoutProof}`);
    const saltedPw = await saltedPassword(salt, iterations);
    const clientKey = await hmac(saltedPw, utf8.encode('Client Key'));
    const storedKey = new Uint8Array(await subtle.digest(hash, clientKey));
    const clientSignature = await hmac(storedKey, authMessage);
    const proof = clientKey.map((byte, i) => byte ^ clientSignature[i]);
    const serverKey = await hmac(saltedPw, utf8.encode('Server Key'));
    const serverSignature = await hmac(serverKey, authMessage);
    return { message: `${withoutProof},p=${toBase64(proof)}`, serverSignature };
  };

  /** Checks a server-final (`v=` the server signature, or `e=` an error). */
  const checkServerFinal = (expected: Uint8Array, data: Uint8Array | undefined): void => {
    if (data === undefined) {
      throw new AuthenticationError(`${mechanism}: the broker sent no server-final message to verify`);
    }
    const attributes = parseAttributes(decodeText(data, 'server-final'));
    const error = attributes.get('e');
    if (error !== undefined) throw new AuthenticationError(`${mechanism}: the broker reports "${error}"`);
    const signature = attributes.get('v');
    if (signature === undefined || !sameBytes(fromBase64(signature, 'server-final'), expected)) {
      throw new AuthenticationError(
        `${mechanism}: the server signature does not verify: the broker did not prove it knows the password`,
      );
    }
  };

  const answer = async (challenge: AuthChallenge): Promise<Uint8Array> => {
    const current = state;
    if (current.step === 'first-sent') {
      state = { step: 'computing' };
      const final = await clientFinal(current, decodeText(challenge.data, 'server-first'));
      state = { step: 'final-sent', serverSignature: final.serverSignature };
      return utf8.encode(final.message);
    }
    if (current.step === 'final-sent') {
      // A broker may send the server-final in one more AUTH 0x18 (then accept with no data): verify it there.
      checkServerFinal(current.serverSignature, challenge.data);
      state = { step: 'verified' };
      return new Uint8Array(0);
    }
    throw new AuthenticationError(`${mechanism}: a challenge the exchange did not expect (${current.step})`);
  };

  return Object.assign(answer, {
    method: mechanism,
    start(): Uint8Array {
      const clientNonce = nonce();
      const clientFirstBare = `n=${user},r=${clientNonce}`;
      state = { step: 'first-sent', nonce: clientNonce, clientFirstBare };
      return utf8.encode(`n,,${clientFirstBare}`);
    },
    verify(data: Uint8Array | undefined): void {
      const current = state;
      state = { step: 'idle' };
      if (current.step === 'verified' && (data === undefined || data.length === 0)) return;
      if (current.step !== 'final-sent') {
        throw new AuthenticationError(
          `${mechanism}: the broker accepted the client before the exchange ended (${current.step}), ` +
            'without proving it knows the password',
        );
      }
      checkServerFinal(current.serverSignature, data);
    },
  });
}

function checkOptions(options: ScramOptions): Required<ScramOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('scramAuthenticator() takes { username, password, mechanism? }');
  }
  const { username, password, mechanism = 'SCRAM-SHA-256' } = options;
  if (typeof username !== 'string' || username === '') {
    throw new InvalidArgumentError('the SCRAM username must be a non-empty string');
  }
  if (typeof password !== 'string' || password === '') {
    throw new InvalidArgumentError('the SCRAM password must be a non-empty string');
  }
  if (!Object.hasOwn(HASHES, mechanism)) {
    throw new InvalidArgumentError(
      `the SCRAM mechanism must be 'SCRAM-SHA-256' or 'SCRAM-SHA-1', got ${String(mechanism)}`,
    );
  }
  return { username, password, mechanism };
}

function webCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle as SubtleCrypto | undefined;
  if (subtle === undefined) {
    throw new NotSupportedError(
      'SCRAM needs Web Crypto (crypto.subtle): Node 20+, Bun, Deno, or a browser page in a secure context',
    );
  }
  return subtle;
}

function randomNonce(): string {
  return toBase64(globalThis.crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
}

/** RFC 5802 §5.1: `=` and `,` in a user name are sent as `=3D` and `=2C`. */
function escapeUsername(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/** The `x=value` attributes of a SCRAM message, by name (the first of each). */
function parseAttributes(message: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const part of message.split(',')) {
    if (part.length < 2 || part[1] !== '=') continue;
    if (!attributes.has(part[0])) attributes.set(part[0], part.slice(2));
  }
  return attributes;
}

/** RFC 5802 §5.1: `r=` (our nonce, extended by the server), `s=` (the salt), `i=` (the iteration count). */
function parseServerFirst(
  message: string,
  clientNonce: string,
): { nonce: string; salt: Bytes; iterations: number } {
  const fail = (why: string): never => {
    throw new AuthenticationError(`the broker's SCRAM server-first message ${why}`);
  };
  // A mandatory extension (`m=`) the client does not know must end the exchange (RFC 5802 §5.1).
  if (message.startsWith('m=')) fail('asks for a mandatory extension this client does not support');
  const attributes = parseAttributes(message);
  const nonce = attributes.get('r');
  if (nonce === undefined || !nonce.startsWith(clientNonce) || nonce.length === clientNonce.length) {
    fail("does not extend the client's nonce");
  }
  const salt = fromBase64(attributes.get('s') ?? '', 'server-first salt');
  if (salt.length === 0) fail('has no salt');
  const count = attributes.get('i') ?? '';
  const iterations = /^\d{1,9}$/.test(count) ? Number(count) : NaN;
  if (!(iterations >= MIN_ITERATIONS && iterations <= MAX_ITERATIONS)) {
    fail(`has an iteration count of '${count}', outside ${MIN_ITERATIONS}..${MAX_ITERATIONS}`);
  }
  return { nonce: nonce as string, salt, iterations };
}

function decodeText(data: Uint8Array | undefined, what: string): string {
  try {
    return utf8Strict.decode(data ?? new Uint8Array(0));
  } catch (error) {
    throw new AuthenticationError(`the broker's SCRAM ${what} message is not UTF-8`, { cause: error });
  }
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string, what: string): Bytes {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch (error) {
    throw new AuthenticationError(`the broker's SCRAM ${what} is not base64`, { cause: error });
  }
}

/** Compares without stopping at the first difference, so the time taken says nothing about where it is. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

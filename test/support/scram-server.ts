/**
 * The server side of SCRAM (RFC 5802, RFC 7677) for the tests, written on node:crypto and independent of the
 * client's Web Crypto code: it reads the client-first, makes the server-first, checks the client's proof and
 * makes the server-final. The scripted fake broker carries its messages in AUTH and CONNACK packets.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramHash = 'sha256' | 'sha1';

export interface ScramServerOptions {
  username: string;
  password: string;
  hash: ScramHash;
  salt?: Buffer;
  iterations?: number;
}

const attributes = (message: string): Map<string, string> =>
  new Map(message.split(',').map((part) => [part[0], part.slice(2)] as [string, string]));

/** One exchange: `first()` then `final()`; `serverFinal` is the `v=` message a genuine server sends. */
export class ScramServerExchange {
  readonly #options: Required<ScramServerOptions>;
  #clientFirstBare = '';
  #serverFirst = '';
  #nonce = '';
  /** The `v=...` message after a successful `final()`. */
  serverFinal = '';

  constructor(options: ScramServerOptions) {
    this.#options = { salt: randomBytes(16), iterations: 4096, ...options };
  }

  /** Reads the client-first (`n,,n=user,r=nonce`) and returns the server-first. */
  first(clientFirst: string): string {
    if (!clientFirst.startsWith('n,,'))
      throw new Error(`client-first without the n,, header: ${clientFirst}`);
    this.#clientFirstBare = clientFirst.slice(3);
    const got = attributes(this.#clientFirstBare);
    if (got.get('n') !== this.#options.username) throw new Error(`unknown user ${got.get('n')}`);
    this.#nonce = `${got.get('r') ?? ''}${randomBytes(12).toString('base64')}`;
    const { salt, iterations } = this.#options;
    this.#serverFirst = `r=${this.#nonce},s=${salt.toString('base64')},i=${iterations}`;
    return this.#serverFirst;
  }

  /** Checks the client-final's proof: true when the client knows the password (then `serverFinal` is set). */
  final(clientFinal: string): boolean {
    const { hash, password, salt, iterations } = this.#options;
    const got = attributes(clientFinal);
    if (got.get('c') !== 'biws' || got.get('r') !== this.#nonce) return false;
    const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='));
    const authMessage = `${this.#clientFirstBare},${this.#serverFirst},${withoutProof}`;
    const length = hash === 'sha256' ? 32 : 20;
    const salted = pbkdf2Sync(password, salt, iterations, length, hash);
    const clientKey = createHmac(hash, salted).update('Client Key').digest();
    const storedKey = createHash(hash).update(clientKey).digest();
    const clientSignature = createHmac(hash, storedKey).update(authMessage).digest();
    const proof = Buffer.from(got.get('p') ?? '', 'base64');
    if (proof.length !== length) return false;
    const recoveredKey = Buffer.from(proof.map((byte, i) => byte ^ clientSignature[i]));
    if (!timingSafeEqual(createHash(hash).update(recoveredKey).digest(), storedKey)) return false;
    const serverKey = createHmac(hash, salted).update('Server Key').digest();
    this.serverFinal = `v=${createHmac(hash, serverKey).update(authMessage).digest('base64')}`;
    return true;
  }
}

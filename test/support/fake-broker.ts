/**
 * A scripted fake broker, for what a real broker will not do on demand: withhold acks, send malformed or
 * hostile packets, send a server DISCONNECT, announce odd CONNACK properties.
 *
 * It listens on a free loopback port and hands each accepted connection to the test as a `FakeConnection`,
 * which decodes what the client sends with our own codec (the decoder learns the protocol version from the
 * CONNECT) and lets the test answer packet by packet. Every wait is bounded by a timeout.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { encode } from '../../src/packet/encode.js';
import { PacketDecoder } from '../../src/packet/decoder.js';
import { PacketType, type ConnackPacket, type Packet, type ProtocolVersion } from '../../src/packet/types.js';
import { LOOPBACK } from './ports.js';

const DEFAULT_TIMEOUT_MS = 5_000;

type PacketOfType<T extends PacketType> = Extract<Packet, { type: T }>;

/** Waiters and buffered items of one kind, handed out in arrival order. */
class Mailbox<T> {
  readonly #items: T[] = [];
  readonly #waiters: Array<{ resolve: (item: T) => void; reject: (err: Error) => void }> = [];
  #closedWith: Error | undefined;

  put(item: T): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve(item);
    else this.#items.push(item);
  }

  close(reason: Error): void {
    this.#closedWith = reason;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(reason);
  }

  take(timeoutMs: number, what: string): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    return new Promise<T>((resolve, reject) => {
      const waiter = {
        resolve: (value: T) => {
          clearTimeout(timer);
          resolve(value);
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new Error(`fake broker: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /** Items received and not taken yet. */
  pending(): readonly T[] {
    return this.#items;
  }
}

/** One client connection, seen from the broker's side. */
export class FakeConnection {
  readonly socket: Socket;
  /** Every packet received on this connection, in order, including those already taken. */
  readonly received: Packet[] = [];
  readonly #packets = new Mailbox<Packet>();
  readonly #decoder: PacketDecoder;
  readonly closed: Promise<void>;
  #isClosed = false;

  constructor(socket: Socket) {
    this.socket = socket;
    this.#decoder = new PacketDecoder({
      protocolVersion: 4,
      onPacket: (packet) => {
        this.received.push(packet);
        this.#packets.put(packet);
      },
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        this.#decoder.push(chunk);
      } catch (err) {
        this.#packets.close(err instanceof Error ? err : new Error(String(err)));
        socket.destroy();
      }
    });
    socket.on('error', () => {
      // The client may reset the connection; `closed` reports the end either way.
    });
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.#isClosed = true;
        this.#packets.close(new Error('fake broker: the client closed the connection'));
        resolve();
      });
    });
  }

  /** The protocol version the client announced in its CONNECT (4 until a CONNECT arrived). */
  get protocolVersion(): ProtocolVersion {
    return this.#decoder.protocolVersion;
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** The next packet the client sent, whatever its type. */
  next(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Packet> {
    return this.#packets.take(timeoutMs, 'packet');
  }

  /** The next packet, which must be of `type` (the test fails with what came instead). */
  async expect<T extends PacketType>(type: T, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<PacketOfType<T>> {
    const packet = await this.next(timeoutMs);
    if (packet.type !== type) {
      throw new Error(`fake broker: expected packet type ${type}, got ${JSON.stringify(describe(packet))}`);
    }
    return packet as PacketOfType<T>;
  }

  /** Packets received and not taken with next()/expect() yet. */
  pending(): readonly Packet[] {
    return this.#packets.pending();
  }

  /** Encodes `packet` with the connection's protocol version and sends it. */
  send(packet: Packet): void {
    this.socket.write(encode(packet, this.protocolVersion));
  }

  /** Sends bytes as they are (malformed packets, split writes). */
  sendRaw(bytes: Uint8Array | number[]): void {
    this.socket.write(Uint8Array.from(bytes));
  }

  /**
   * Writes `bytes` one at a time, `intervalMs` apart (a slowloris broker, a length announced slowly). Stops
   * early when the connection closes; resolves with how many bytes were written.
   */
  async trickle(bytes: Uint8Array | number[], intervalMs: number): Promise<number> {
    const all = Uint8Array.from(bytes);
    let written = 0;
    for (const byte of all) {
      if (this.#isClosed) break;
      this.socket.write(Uint8Array.of(byte));
      written++;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    return written;
  }

  /**
   * Sends `count` packets made by `make(i)` as fast as the socket takes them: it writes while the socket
   * accepts and waits for 'drain' when it does not (or `shouldPause(sent)` says so), so what the client does not
   * read stays in the kernel's buffers, not in this process. Stops when the connection closes or `timeoutMs`
   * passes; resolves with how many packets were written.
   */
  async flood(
    count: number,
    make: (i: number) => Packet,
    options: { timeoutMs: number; shouldPause?: (sent: number) => boolean },
  ): Promise<number> {
    const deadline = Date.now() + options.timeoutMs;
    let sent = 0;
    while (sent < count && !this.#isClosed && Date.now() < deadline) {
      if (options.shouldPause?.(sent) === true) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      const writable = this.socket.write(encode(make(sent), this.protocolVersion));
      sent++;
      if (!writable) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            this.socket.off('drain', done);
            this.socket.off('close', done);
            resolve();
          };
          const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
          this.socket.once('drain', done);
          this.socket.once('close', done);
        });
      }
    }
    return sent;
  }

  /** Waits for CONNECT and answers CONNACK (success unless told otherwise). */
  async accept(connack: Partial<Omit<ConnackPacket, 'type'>> = {}, timeoutMs = DEFAULT_TIMEOUT_MS) {
    const connect = await this.expect(PacketType.CONNECT, timeoutMs);
    this.send({ type: PacketType.CONNACK, sessionPresent: false, reasonCode: 0, ...connack });
    return connect;
  }

  /** Closes gracefully (FIN). */
  end(): void {
    this.socket.end();
  }

  /** Drops the connection abruptly (RST where the OS allows). */
  destroy(): void {
    this.socket.resetAndDestroy();
  }
}

/** A short, JSON-safe description of a packet for failure messages. */
function describe(packet: Packet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(packet)) {
    out[key] = value instanceof Uint8Array ? `<${value.length} bytes>` : value;
  }
  return out;
}

export class FakeBroker {
  readonly #server: Server;
  readonly #connections = new Mailbox<FakeConnection>();
  readonly #all: FakeConnection[] = [];
  readonly port: number;
  readonly host = LOOPBACK;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.port = port;
    server.on('connection', (socket) => {
      socket.setNoDelay(true);
      const connection = new FakeConnection(socket);
      this.#all.push(connection);
      this.#connections.put(connection);
    });
  }

  /** Starts a fake broker on a free loopback port. */
  static start(): Promise<FakeBroker> {
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, host: LOOPBACK }, () => {
        server.off('error', reject);
        const address = server.address();
        if (address === null || typeof address === 'string') {
          reject(new Error('fake broker: no port'));
          return;
        }
        resolve(new FakeBroker(server, address.port));
      });
    });
  }

  /** The next connection a client opens. */
  nextConnection(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<FakeConnection> {
    return this.#connections.take(timeoutMs, 'connection');
  }

  /** How many connections were accepted so far. */
  get connectionCount(): number {
    return this.#all.length;
  }

  /** Closes every connection and the listener. */
  async close(): Promise<void> {
    for (const connection of this.#all) connection.socket.destroy();
    this.#connections.close(new Error('fake broker: closed'));
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

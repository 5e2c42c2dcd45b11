/**
 * The TCP transport against loopback servers: batched writes, data both ways, graceful close, back-pressure
 * signals, and typed errors for a refused connection and a connect timeout.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ConnectionError, ConnectTimeoutError } from '../../src/transport/errors.js';
import { openTransport, type TransportHandlers } from '../../src/transport/transport.js';
import { getFreePort } from '../support/ports.js';

let server: Server;
let port: number;
const accepted: Socket[] = [];

void before(async () => {
  server = createServer((socket) => {
    accepted.push(socket);
    socket.on('data', (chunk) => socket.write(chunk)); // echo
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  port = address.port;
});

void after(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function recorder(): TransportHandlers & { data: Buffer[]; closed: Promise<ConnectionError | undefined> } {
  let resolveClosed: (error: ConnectionError | undefined) => void = () => undefined;
  const closed = new Promise<ConnectionError | undefined>((resolve) => (resolveClosed = resolve));
  const data: Buffer[] = [];
  return {
    data,
    closed,
    onData: (chunk) => data.push(Buffer.from(chunk)),
    onClose: (error) => resolveClosed(error),
    onDrain: () => undefined,
  };
}

void describe('tcp transport', () => {
  void it('writes a batch in order, receives data, and closes cleanly', async () => {
    const handlers = recorder();
    const transport = await openTransport({
      kind: 'tcp',
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 2000,
      handlers,
    });
    assert.equal(transport.kind, 'tcp');
    assert.equal(transport.isOpen, true);
    assert.equal(transport.write([Buffer.from('ab'), new Uint8Array([0x63]), Buffer.from('d')]), true);
    const deadline = Date.now() + 2000;
    while (Buffer.concat(handlers.data).toString() !== 'abcd' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(Buffer.concat(handlers.data).toString(), 'abcd');
    transport.close();
    assert.equal(await handlers.closed, undefined);
    assert.equal(transport.isOpen, false);
    assert.equal(transport.write([Buffer.from('late')]), false);
  });

  void it('reports a peer reset through onClose with a ConnectionError', async () => {
    const handlers = recorder();
    const transport = await openTransport({
      kind: 'tcp',
      host: '127.0.0.1',
      port,
      connectTimeoutMs: 2000,
      handlers,
    });
    transport.write([Buffer.from('x')]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    accepted.at(-1)?.resetAndDestroy();
    const error = await handlers.closed;
    assert.ok(error === undefined || error instanceof ConnectionError);
  });

  void it('rejects with a ConnectionError carrying ECONNREFUSED', async () => {
    const freePort = await getFreePort();
    await assert.rejects(
      openTransport({
        kind: 'tcp',
        host: '127.0.0.1',
        port: freePort,
        connectTimeoutMs: 2000,
        handlers: recorder(),
      }),
      (error: unknown) => {
        assert.ok(error instanceof ConnectionError);
        assert.equal(error.errno, 'ECONNREFUSED');
        assert.equal(error.code, 'ERR_MQTT_CONNECTION');
        return true;
      },
    );
  });

  void it('gives up after connectTimeoutMs with a ConnectTimeoutError (or fails fast when unroutable)', async () => {
    const started = Date.now();
    const error: unknown = await openTransport({
      kind: 'tcp',
      host: '192.0.2.1', // TEST-NET-1: never answers
      port: 1883,
      connectTimeoutMs: 300,
      handlers: recorder(),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof ConnectionError);
    assert.ok(Date.now() - started < 2000);
    if (error instanceof ConnectTimeoutError) {
      assert.equal(error.code, 'ERR_MQTT_CONNECT_TIMEOUT');
      assert.equal(error.timeoutMs, 300);
    }
  });

  void it('refuses an unknown transport kind', async () => {
    await assert.rejects(
      openTransport({
        kind: 'smoke' as 'tcp',
        host: 'x',
        port: 1,
        connectTimeoutMs: 1,
        handlers: recorder(),
      }),
      /the transports available are "tcp"/,
    );
  });
});

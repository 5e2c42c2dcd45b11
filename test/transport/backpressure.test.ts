/**
 * Back-pressure on the Node WebSocket transport: against a peer that stops reading, `write()` returns false and
 * `writableNeedDrain` turns true; once the peer reads again, `onDrain` is called and the flag clears. The peer
 * is a bare TCP server that answers the WebSocket upgrade by hand and then pauses its socket.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { openTransport } from '../../src/transport/transport.js';
import { LOOPBACK } from '../support/ports.js';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

void describe('WebSocket back-pressure (Node)', () => {
  void test('writableNeedDrain while the peer does not read; onDrain once it does', async () => {
    let peer: Socket | undefined;
    const server = createServer((socket) => {
      let head = '';
      const onData = (chunk: Buffer): void => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? '';
        const accept = createHash('sha1')
          .update(key + WS_GUID)
          .digest('base64');
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Sec-WebSocket-Accept: ${accept}\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n`,
        );
        socket.pause(); // stop reading: the client's socket buffer fills up
        peer = socket;
      };
      socket.on('data', onData);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen({ host: LOOPBACK, port: 0 }, resolve));
    const { port } = server.address() as AddressInfo;
    let drains = 0;
    const transport = await openTransport({
      kind: 'ws',
      host: LOOPBACK,
      port,
      connectTimeoutMs: 3_000,
      proxy: 'none',
      handlers: { onData: () => undefined, onDrain: () => drains++, onClose: () => undefined },
    });
    try {
      const chunk = new Uint8Array(256 * 1024);
      let writes = 0;
      while (transport.write([chunk]) && writes < 1_000) writes++;
      assert.ok(writes < 1_000, 'write() returned false at some point');
      assert.equal(transport.writableNeedDrain, true);
      assert.equal(drains, 0);
      peer?.resume();
      peer?.on('data', () => undefined);
      const deadline = Date.now() + 5_000;
      while (drains === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(drains >= 1, 'onDrain was called');
      assert.equal(transport.writableNeedDrain, false);
    } finally {
      transport.destroy();
      peer?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

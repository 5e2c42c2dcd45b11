/**
 * Closing a socket gracefully without letting a dead peer hold it open, and without cutting a slow flush.
 */
import type { Socket } from 'node:net';

/** How long a flush may make no progress before the socket is destroyed. */
export const GRACEFUL_CLOSE_STALL_MS = 2000;

/**
 * Ends `socket` once every buffered byte is handed to the kernel, then destroys it: waiting for the peer's
 * FIN would let a dead peer (the usual reason to close) hold the connection open. A peer that stops reading
 * would hold the flush forever, so the socket is destroyed when no byte left its buffer for `stallMs`; a flush
 * that still makes progress is never cut (a large burst of QoS 0 messages before `disconnect()` is delivered).
 *
 * Returns a function that cancels the stall watchdog (call it when the socket has closed).
 */
export function endGracefully(socket: Socket, stallMs = GRACEFUL_CLOSE_STALL_MS): () => void {
  socket.end(() => socket.destroy());
  let remaining = socket.writableLength;
  let timer: ReturnType<typeof setTimeout>;
  const check = (): void => {
    const now = socket.writableLength;
    if (now > 0 && now >= remaining) {
      socket.destroy();
      return;
    }
    remaining = now;
    timer = setTimeout(check, stallMs);
    timer.unref();
  };
  timer = setTimeout(check, stallMs);
  timer.unref();
  return () => clearTimeout(timer);
}

/**
 * The Aedes test broker, a program of its own (run with `node --import tsx`), started and stopped by `aedes.ts`.
 *
 *     node --import tsx test/support/aedes-server.ts <port> [<redis port>]
 *
 * Listens on 127.0.0.1:<port>. With a Redis port it is a cluster node: messages go through `mqemitter-redis`
 * and sessions, subscriptions and retained messages live in `aedes-persistence-redis`, so several such processes
 * on one Redis form a cluster. Credentials: none, or `user` / `pass`; any other pair is refused with CONNACK 4.
 * It closes its listener and the broker on SIGTERM.
 */
import { createServer } from 'node:net';
import { Aedes, type AedesOptions, type AuthenticateError } from 'aedes';
import mqemitterRedis from 'mqemitter-redis';
import persistenceRedis from 'aedes-persistence-redis';
import { FIXTURE_PASSWORD } from './secrets.js';

const BAD_USERNAME_OR_PASSWORD = 4;
const LOOPBACK = '127.0.0.1';

async function main(): Promise<void> {
  const port = Number(process.argv[2]);
  const redisPort = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`usage: aedes-server.ts <port> [<redis port>]`);
  const options: AedesOptions = {
    authenticate: (_client, username, password, done) => {
      const ok = username === undefined || (username === 'user' && password?.toString() === FIXTURE_PASSWORD);
      if (ok) return done(null, true);
      const error: AuthenticateError = Object.assign(new Error('bad username or password'), {
        returnCode: BAD_USERNAME_OR_PASSWORD,
      });
      done(error, false);
    },
  };
  if (redisPort !== undefined) {
    const redis = { host: LOOPBACK, port: redisPort, family: 4 as const };
    options.mq = mqemitterRedis(redis);
    options.persistence = persistenceRedis(redis);
  }
  const broker = await Aedes.createBroker(options);
  const server = createServer((socket) => broker.handle(socket));
  server.listen(port, LOOPBACK);
  process.once('SIGTERM', () => {
    server.close();
    broker.close(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

// aedes-persistence-redis ships no types: the one call the Aedes test broker makes (test/support/aedes-server.ts).
declare module 'aedes-persistence-redis' {
  interface RedisPersistenceOptions {
    host?: string;
    port?: number;
    family?: 4 | 6;
  }
  /** An Aedes persistence on Redis; Aedes takes it as `opts.persistence` (typed `unknown` there too). */
  function persistenceRedis(options?: RedisPersistenceOptions): object;
  export = persistenceRedis;
}

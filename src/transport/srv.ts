/**
 * `connect_srv`: find the brokers of a domain with a DNS SRV lookup (`_mqtt._tcp.<domain>`, or
 * `_secure-mqtt._tcp.<domain>` for TLS) and order them as RFC 2782 says: by priority, lowest first, and within
 * one priority by a weighted random draw.
 */
import { ConnectionError } from './errors.js';

/** An SRV record as `node:dns` returns it. */
export interface SrvRecord {
  name: string;
  port: number;
  priority: number;
  weight: number;
}

/** One broker found by SRV. */
export interface SrvTarget {
  host: string;
  port: number;
}

/**
 * Orders SRV records per RFC 2782: ascending priority; within a priority, repeatedly draw a record with
 * probability proportional to its weight (weight-0 records come first in the running sum, so they are drawn
 * only rarely when others have weight). `random` returns a number in [0, 1). A target of `.` means "no
 * service" and is dropped.
 */
export function orderSrvRecords(
  records: readonly SrvRecord[],
  random: () => number = Math.random,
): SrvTarget[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const record of records) {
    if (record.name === '.' || record.name === '') continue;
    const group = byPriority.get(record.priority);
    if (group === undefined) byPriority.set(record.priority, [record]);
    else group.push(record);
  }
  const out: SrvTarget[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    // RFC 2782: "arrange all SRV RRs (that have not been ordered yet) in any order, except that all those
    // with weight 0 are placed at the beginning of the list."
    const pending = (byPriority.get(priority) ?? [])
      .slice()
      .sort((a, b) => (a.weight === 0 ? -1 : 0) - (b.weight === 0 ? -1 : 0));
    while (pending.length > 0) {
      const total = pending.reduce((sum, r) => sum + r.weight, 0);
      const threshold = Math.floor(random() * (total + 1)); // uniform in 0..total
      let running = 0;
      let index = pending.length - 1;
      for (let i = 0; i < pending.length; i++) {
        running += pending[i].weight;
        if (running >= threshold) {
          index = i;
          break;
        }
      }
      const [chosen] = pending.splice(index, 1);
      out.push({ host: chosen.name, port: chosen.port });
    }
  }
  return out;
}

/** The SRV name looked up for `domain`. */
export function srvName(domain: string, secure: boolean): string {
  return `${secure ? '_secure-mqtt' : '_mqtt'}._tcp.${domain.replace(/\.$/, '')}`;
}

/**
 * Looks up the brokers of `domain` and returns them in the order to try.
 * @param lookup the DNS query (`node:dns`'s `resolveSrv` in Node: see `platform.ts`).
 * @throws ConnectionError when the lookup fails or finds no broker.
 */
export async function resolveSrv(
  domain: string,
  secure: boolean,
  lookup: (name: string) => Promise<SrvRecord[]>,
): Promise<SrvTarget[]> {
  const name = srvName(domain, secure);
  let records: SrvRecord[];
  try {
    records = await lookup(name);
  } catch (err) {
    throw new ConnectionError(`DNS SRV lookup of ${name} failed: ${(err as Error).message}`, { cause: err });
  }
  const targets = orderSrvRecords(records);
  if (targets.length === 0) throw new ConnectionError(`DNS SRV lookup of ${name} found no broker`);
  return targets;
}

/**
 * Reading what the reload tests' pages saw: the subscriber page's journal (one line `<lifetime> <qos> <qos>:<n>`
 * per delivery to onMessage, in delivery order; pages/reload-subscriber.html) and the counts of the Node side.
 */

export interface Delivery {
  lifetime: number;
  qos: number;
  /** `<qos>:<n>`, the message's payload. */
  id: string;
}

export function parseJournal(lines: readonly string[]): Delivery[] {
  return lines.map((line) => {
    const [lifetime, qos, id] = line.split(' ');
    return { lifetime: Number(lifetime), qos: Number(qos), id: id ?? '' };
  });
}

/** How often each id was delivered. */
export function countById(ids: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

/** The ids `<qos>:0` ... `<qos>:<perQos - 1>` that `counts` lacks. */
export function missing(counts: ReadonlyMap<string, number>, qos: number, perQos: number): string[] {
  const lacking: string[] = [];
  for (let n = 0; n < perQos; n++) if (!counts.has(`${qos}:${n}`)) lacking.push(`${qos}:${n}`);
  return lacking;
}

/** Ids of `qos` delivered more than once, with how many extra deliveries each. */
export function duplicates(counts: ReadonlyMap<string, number>, qos: number): Map<string, number> {
  const extra = new Map<string, number>();
  for (const [id, count] of counts) if (id.startsWith(`${qos}:`) && count > 1) extra.set(id, count - 1);
  return extra;
}

/**
 * Promise 4's bound, page by page: a QoS 2 message handed over again after a reload must be the last QoS 2
 * message the page before the reload handed over (the one whose id was being committed when the page went
 * away: the client hands over the next QoS 2 message only once the previous id is committed), and handed over
 * at most once per page. Returns what breaks the bound (empty when it holds).
 */
export function qos2BoundViolations(deliveries: readonly Delivery[]): string[] {
  const lastQos2 = new Map<number, string>();
  for (const d of deliveries) if (d.qos === 2) lastQos2.set(d.lifetime, d.id);
  const seenIn = new Map<string, number>();
  const violations: string[] = [];
  for (const d of deliveries) {
    if (d.qos !== 2) continue;
    const before = seenIn.get(d.id);
    if (before !== undefined) {
      if (before === d.lifetime) violations.push(`${d.id} twice in page ${d.lifetime}`);
      else if (lastQos2.get(before) !== d.id) {
        violations.push(`${d.id} again in page ${d.lifetime}, but it was not page ${before}'s last QoS 2`);
      }
    }
    seenIn.set(d.id, d.lifetime);
  }
  return violations;
}

/**
 * The QoS 1 side of the reload bound: a QoS 1 message handed over again must come in a later page than the one
 * that had it (its PUBACK, written after onMessage returned, was still in the WebSocket's buffer when the page
 * went away), never twice within one page. Returns what breaks the bound (empty when it holds).
 */
export function qos1RepeatViolations(deliveries: readonly Delivery[]): string[] {
  const seenIn = new Map<string, number>();
  const violations: string[] = [];
  for (const d of deliveries) {
    if (d.qos !== 1) continue;
    if (seenIn.get(d.id) === d.lifetime) violations.push(`${d.id} twice in page ${d.lifetime}`);
    seenIn.set(d.id, d.lifetime);
  }
  return violations;
}

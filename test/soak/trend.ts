/**
 * The soak's trend check: the least-squares slope of a measure over the second half of the run (the first
 * half is warm-up: caches, JIT, pools filling), and the growth it implies over that half, against a bound.
 */

export interface Point {
  /** Seconds since the start. */
  t: number;
  value: number;
}

/** Least-squares slope (value per second) of `points`; 0 for fewer than two distinct times. */
export function slope(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  let st = 0;
  let sv = 0;
  for (const p of points) {
    st += p.t;
    sv += p.value;
  }
  const mt = st / n;
  const mv = sv / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.value - mv);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** The samples from the middle of the run on. */
export function secondHalf<T extends { t: number }>(samples: readonly T[]): T[] {
  if (samples.length === 0) return [];
  const end = samples[samples.length - 1].t;
  return samples.filter((s) => s.t >= end / 2);
}

export interface TrendVerdict {
  measure: string;
  /** Per second, over the second half. */
  slope: number;
  /** slope x the second half's length: how much the measure grew by the trend. */
  growth: number;
  bound: number;
  ok: boolean;
}

/** Checks that `measure` grew by less than `bound` (its unit) by trend over the second half. */
export function checkTrend<T extends { t: number }>(
  samples: readonly T[],
  measure: string,
  value: (s: T) => number,
  bound: number,
): TrendVerdict {
  const half = secondHalf(samples);
  const s = slope(half.map((x) => ({ t: x.t, value: value(x) })));
  const span = half.length < 2 ? 0 : half[half.length - 1].t - half[0].t;
  const growth = s * span;
  return { measure, slope: s, growth, bound, ok: growth < bound };
}

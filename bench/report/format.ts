/** Number formatting for the tables. */
import type { MetricDef } from '../scenarios/types.js';

export function formatValue(value: number | undefined, def: MetricDef): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: def.digits,
    maximumFractionDigits: def.digits,
  });
}

export function formatRatio(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  return `${value.toFixed(2)}×`;
}

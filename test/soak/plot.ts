/**
 * Draws RSS and heap used over a soak run as an SVG line chart, from the run's JSON:
 * `node --import tsx test/soak/plot.ts .tmp/soak.json docs/soak.svg`. Our own few lines of SVG: no plotting
 * dependency for one chart.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Sample } from './sampler.js';

const W = 720;
const H = 320;
const PAD = { left: 60, right: 20, top: 30, bottom: 40 };

export function svgOf(samples: readonly Sample[], title: string): string {
  const tMax = Math.max(1, ...samples.map((s) => s.t));
  const mb = (b: number) => b / (1024 * 1024);
  const yMax = Math.max(1, ...samples.map((s) => mb(s.rss))) * 1.1;
  const x = (t: number) => PAD.left + (t / tMax) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const line = (pick: (s: Sample) => number) =>
    samples
      .map((s, i) => `${i === 0 ? 'M' : 'L'}${x(s.t).toFixed(1)},${y(mb(pick(s))).toFixed(1)}`)
      .join(' ');
  const ticks: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    ticks.push(
      `<text x="${PAD.left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(0)}</text>`,
      `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
    );
    const t = (tMax * i) / 4;
    ticks.push(
      `<text x="${x(t)}" y="${H - PAD.bottom + 16}" text-anchor="middle">${(t / 60).toFixed(1)}</text>`,
    );
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
<text x="${W / 2}" y="18" text-anchor="middle" font-size="14">${title}</text>
${ticks.join('\n')}
<text x="${W / 2}" y="${H - 6}" text-anchor="middle">minutes</text>
<text x="14" y="${H / 2}" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">MiB</text>
<path d="${line((s) => s.rss)}" fill="none" stroke="#c0392b" stroke-width="2"/>
<path d="${line((s) => s.heapUsed)}" fill="none" stroke="#2471a3" stroke-width="2"/>
<text x="${W - PAD.right - 120}" y="${PAD.top + 14}" fill="#c0392b">RSS</text>
<text x="${W - PAD.right - 120}" y="${PAD.top + 30}" fill="#2471a3">heap used (after GC)</text>
</svg>
`;
}

if (process.argv[1]?.endsWith('plot.ts')) {
  const [input, output] = process.argv.slice(2);
  if (input === undefined || output === undefined) {
    console.error('usage: plot.ts <soak.json> <out.svg>');
    process.exit(2);
  }
  const run = JSON.parse(readFileSync(input, 'utf8')) as { samples: Sample[]; minutes: number };
  writeFileSync(output, svgOf(run.samples, `soak: ${run.minutes} minutes, connections cut every 2-10 s`));
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { svgOf } from './plot.js';
import type { Sample } from './sampler.js';
import { checkTrend, secondHalf, slope } from './trend.js';

function samples(values: number[], stepSeconds = 10): Sample[] {
  return values.map((v, i) => ({
    t: i * stepSeconds,
    rss: v,
    heapUsed: v / 2,
    handles: 9,
    requests: 0,
    timers: 3,
    fds: 30,
    lost: 0,
    duplicatedQos2: 0,
    delivered: i,
  }));
}

void describe('the soak trend check', () => {
  void it('slope is the least-squares fit: exact on a line, 0 when flat or too short', () => {
    assert.equal(
      slope([
        { t: 0, value: 1 },
        { t: 10, value: 21 },
        { t: 20, value: 41 },
      ]),
      2,
    );
    assert.equal(
      slope([
        { t: 0, value: 5 },
        { t: 10, value: 5 },
      ]),
      0,
    );
    assert.equal(slope([{ t: 0, value: 5 }]), 0);
    assert.ok(
      Math.abs(
        slope([
          { t: 0, value: 0 },
          { t: 1, value: 2 },
          { t: 2, value: 1 },
        ]) - 0.5,
      ) < 1e-9,
    );
  });

  void it('judges the second half only: warm-up growth passes, steady growth fails', () => {
    const warmUp = samples([10, 50, 90, 100, 100, 100, 101, 100, 100]);
    assert.equal(secondHalf(warmUp).length, 5);
    assert.ok(checkTrend(warmUp, 'rss', (s) => s.rss, 5).ok);
    const leak = samples([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const verdict = checkTrend(leak, 'rss', (s) => s.rss, 5);
    assert.equal(verdict.ok, false);
    assert.ok(Math.abs(verdict.growth - 40) < 1e-9, `growth ${verdict.growth}`);
  });

  void it('plots RSS and heap as two SVG paths', () => {
    const svg = svgOf(samples([100 * 1024 * 1024, 110 * 1024 * 1024, 105 * 1024 * 1024]), 'test');
    assert.match(svg, /^<svg /);
    assert.equal((svg.match(/<path d="M/g) ?? []).length, 2);
  });
});

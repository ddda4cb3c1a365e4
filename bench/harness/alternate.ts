import { execa } from 'execa';
import { measure } from './measure.js';
import { median, pairwiseRatios } from './stats.js';
import type { PairResult, PairScenario } from './types.js';

export interface AlternateOptions {
  readonly rounds: number;
  readonly log: (line: string) => void;
}

/**
 * Waits, untimed, until nothing written before is still in memory only (sync(1)), and returns `value`. A
 * timed run then pays for its own writes only: mkb makes its commits durable (fsync, syncfs), which
 * otherwise also flushed the hundreds of MB the other tool had just written and left dirty.
 */
async function settled<T>(value: T): Promise<T> {
  await execa('sync');
  return value;
}

/** Runs mkb, mkosi, mkb, mkosi, … for the given rounds and reduces the samples to medians and ratios. */
export async function runAlternately(scenario: PairScenario, options: AlternateOptions): Promise<PairResult> {
  const sources = await scenario.setup();
  const mkb: number[] = [];
  const mkosi: number[] = [];
  let peak = 0;
  try {
    for (let round = 0; round < options.rounds; round++) {
      const a = await measure(await settled(await sources.mkb(round)));
      const b = await measure(await settled(await sources.mkosi(round)));
      mkb.push(a.ms);
      mkosi.push(b.ms);
      peak = Math.max(peak, a.peakRssKiB);
      options.log(`  ${scenario.id} round ${round + 1}/${options.rounds}: mkb ${a.ms.toFixed(0)} ms, mkosi ${b.ms.toFixed(0)} ms`);
      if (a.lastLine !== '') options.log(`    mkb: ${a.lastLine}`);
      if (b.lastLine !== '') options.log(`    mkosi: ${b.lastLine}`);
    }
  } finally {
    await sources.cleanup?.();
  }
  const ratios = pairwiseRatios(mkb, mkosi);
  return {
    id: scenario.id, title: scenario.title, rounds: options.rounds,
    mkbMedianMs: median(mkb), mkosiMedianMs: median(mkosi),
    ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
    mkbPeakRssKiB: peak, goal: scenario.goal ?? null,
    samples: { mkbMs: mkb, mkosiMs: mkosi },
  };
}

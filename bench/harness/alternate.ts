import { measure } from './measure.js';
import { median, pairwiseRatios } from './stats.js';
import type { PairResult, PairScenario } from './types.js';

export interface AlternateOptions {
  readonly rounds: number;
  readonly log: (line: string) => void;
}

/** Runs mkb, mkosi, mkb, mkosi, … for the given rounds and reduces the samples to medians and ratios. */
export async function runAlternately(scenario: PairScenario, options: AlternateOptions): Promise<PairResult> {
  const sources = await scenario.setup();
  const mkb: number[] = [];
  const mkosi: number[] = [];
  let peak = 0;
  try {
    for (let round = 0; round < options.rounds; round++) {
      const a = await measure(await sources.mkb(round));
      const b = await measure(await sources.mkosi(round));
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

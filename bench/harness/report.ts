import { readFile, writeFile } from 'node:fs/promises';
import type { MicroResult, PairResult } from './types.js';

export interface BenchReport {
  readonly date: string;
  /** False while the run is still going (or was stopped): the file holds the scenarios measured so far. */
  readonly complete: boolean;
  readonly machine: { readonly cpus: string; readonly cores: number; readonly memoryGiB: number; readonly kernel: string; readonly node: string };
  readonly command: string;
  readonly pairs: readonly PairResult[];
  readonly micro: readonly MicroResult[];
  /** How the side-by-side builds were set up: mirror, caches, which tools each side used. */
  readonly notes: readonly string[];
}

const fmt = (n: number, digits = 0): string => n.toFixed(digits);

export function renderMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `Measured ${report.date} on ${m.cores} × ${m.cpus}, ${fmt(m.memoryGiB)} GiB, Linux ${m.kernel}, Node ${m.node}, with \`${report.command}\``
      + `${report.complete ? '.' : ' (partial: the run had not finished all scenarios when this was written).'}`,
    '',
  ];
  if (report.pairs.length > 0) {
    lines.push(
      '| scenario | rounds | mkb median | mkosi 27.1 median | mkb/mkosi (median, min–max) | goal | mkb peak RSS |',
      '|---|---|---|---|---|---|---|',
      ...report.pairs.map((p) => `| ${p.title} | ${p.rounds} | ${fmt(p.mkbMedianMs)} ms | ${fmt(p.mkosiMedianMs)} ms | `
        + `${fmt(p.ratio.median, 2)} (${fmt(p.ratio.min, 2)}–${fmt(p.ratio.max, 2)}) | ${p.goal === null ? '' : `≤ ${p.goal}`} | ${fmt(p.mkbPeakRssKiB / 1024)} MiB |`),
      '',
    );
  }
  if (report.micro.length > 0) {
    lines.push(
      '| micro benchmark (mkb alone) | value | reference on the same machine | goal |',
      '|---|---|---|---|',
      ...report.micro.map((r) => `| ${r.title} | ${fmt(r.value, 1)} ${r.unit} | ${r.reference ? `${r.reference.label}: ${fmt(r.reference.value, 1)} ${r.unit}` : ''} | ${r.goal ?? ''} |`),
      '',
    );
  }
  if (report.notes.length > 0) lines.push(...report.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}

const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

/** Replaces the README's results section (between the bench markers) with the new table. */
export async function updateReadme(readmePath: string, markdown: string): Promise<void> {
  const text = await readFile(readmePath, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${readmePath} has no ${START} … ${END} section for the benchmark table`);
  await writeFile(readmePath, `${text.slice(0, start + START.length)}\n${markdown}\n${text.slice(end)}`);
}

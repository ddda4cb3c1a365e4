import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';

/**
 * Micro benchmark: a no-op `mkb build` of a 50-node graph holding 200 MB of tree outputs, whole process,
 * measured alternately with bare `node -e ''` on the same machine. Goal: within 150 ms of bare Node.
 */
export interface NoopGraphOptions {
  /** Path of the compiled CLI (dist/bin/main.js). */
  readonly cli: string;
  readonly runs: number;
  readonly trees: number;
  readonly merges: number;
  readonly totalBytes: number;
  readonly filesPerTree: number;
  /** Working directory (plan + store); a temporary one, removed afterwards, when absent. */
  readonly dir?: string;
}

export interface Stats {
  readonly min: number;
  readonly median: number;
  readonly p90: number;
  readonly samples: readonly number[];
}

export interface NoopGraphResult {
  readonly nodes: number;
  readonly bytes: number;
  readonly warmBuildMs: number;
  readonly noopBuild: Stats;
  readonly bareNode: Stats;
  /** Median no-op build minus median bare Node startup. */
  readonly overheadMs: number;
  /** The engine's own time for one no-op build (from its Chrome trace). */
  readonly engineMs: number;
}

function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { min: sorted[0] ?? Number.NaN, median: at(0.5), p90: at(0.9), samples: samples.map((s) => Math.round(s * 10) / 10) };
}

async function timed(file: string, args: readonly string[]): Promise<{ ms: number; stdout: string; stderr: string }> {
  const start = performance.now();
  const r = await execa(file, args, { reject: false });
  const ms = performance.now() - start;
  if (r.exitCode !== 0) throw new Error(`${file} ${args.join(' ')} exited with ${String(r.exitCode)}:\n${r.stderr}`);
  return { ms, stdout: r.stdout, stderr: r.stderr };
}

/** The bench plan: `trees` fixture trees sharing `totalBytes` (each reading input.txt), and `merges` merges of pairs. */
export function benchPlan(options: Pick<NoopGraphOptions, 'trees' | 'merges' | 'totalBytes' | 'filesPerTree'>): unknown {
  const per = Math.floor(options.totalBytes / options.trees);
  const nodes: unknown[] = [];
  for (let i = 0; i < options.trees; i++) {
    nodes.push({
      id: `tree${i}`, kind: 'fixture-tree', settings: { Packages: [`pkg${i}`] },
      // Every tree also reads an input file, so the no-op path exercises the stat cache.
      params: { seed: `bench-${i}`, files: options.filesPerTree, bytes: per, input: 'input.txt' },
    });
  }
  for (let m = 0; m < options.merges; m++) {
    nodes.push({ id: `merge${m}`, kind: 'fixture-merge', params: { inputs: [`tree${(2 * m) % options.trees}`, `tree${(2 * m + 1) % options.trees}`] } });
  }
  return { root: '.', nodes };
}

export async function measureNoopGraph(options: NoopGraphOptions): Promise<NoopGraphResult> {
  const dir = options.dir ?? await mkdtemp(join(tmpdir(), 'mkb-bench-'));
  try {
    const plan = join(dir, 'plan.json');
    const store = join(dir, 'store');
    await writeFile(plan, JSON.stringify(benchPlan(options)));
    await writeFile(join(dir, 'input.txt'), 'an input file every tree reads\n');
    const build = ['build', '--plan-file', plan, '--cache-dir', store, '--reporter', 'plain'];
    const warm = await timed('node', [options.cli, ...build]);
    const check = await timed('node', [options.cli, ...build]);
    if (!/up to date/.test(check.stderr)) throw new Error(`the second build was not a no-op:\n${check.stderr}`);
    const noop: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      bare.push((await timed('node', ['-e', ''])).ms);
      noop.push((await timed('node', [options.cli, ...build])).ms);
    }
    const trace = join(dir, 'trace.json');
    await timed('node', [options.cli, ...build, '--profile', trace]);
    const events = (JSON.parse(await readFile(trace, 'utf8')) as { traceEvents: { name: string; dur?: number }[] }).traceEvents;
    const engineUs = events.find((e) => e.name === 'build')?.dur ?? Number.NaN;
    const noopBuild = stats(noop);
    const bareNode = stats(bare);
    return {
      nodes: options.trees + options.merges, bytes: options.totalBytes, warmBuildMs: Math.round(warm.ms),
      noopBuild, bareNode, overheadMs: Math.round((noopBuild.median - bareNode.median) * 10) / 10, engineMs: Math.round(engineUs / 100) / 10,
    };
  } finally {
    if (options.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const runsArg = argv.indexOf('--runs');
  const runs = runsArg >= 0 ? Number.parseInt(argv[runsArg + 1] ?? '', 10) : 15;
  const cli = resolve(import.meta.dirname, '../bin/main.js');
  const result = await measureNoopGraph({ cli, runs, trees: 40, merges: 10, totalBytes: 200 * 1024 * 1024, filesPerTree: 20 });
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.stderr.write(
    `no-op build of ${result.nodes} nodes (${result.bytes / 2 ** 20} MiB of trees): median ${result.noopBuild.median.toFixed(1)} ms, `
    + `bare node -e '': median ${result.bareNode.median.toFixed(1)} ms → overhead ${result.overheadMs} ms `
    + `(goal ≤ 150 ms; engine itself ${result.engineMs} ms)\n`,
  );
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) await main(process.argv.slice(2));

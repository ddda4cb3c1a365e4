// `npm run bench [-- --quick] [--only ID,…] [--rounds N]`: measures mkb against mkosi 27.1 side by
// side (alternating runs, ratios of pairs) and mkb's micro benchmarks; writes bench/results/ and the README table.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { HOST_PACKAGES, installPackages } from '../src/host/host-packages.js';
import { ensureMkosi, repoRoot } from '../test/support/mkosi.js';
import { runAlternately } from './harness/alternate.js';
import { withoutHosts } from './harness/without-hosts.js';
import { renderMarkdown, updateReadme, type BenchReport } from './harness/report.js';
import type { MicroResult, PairResult, PairScenario } from './harness/types.js';
import { createBuildWorkspace, type BuildWorkspace } from './builds/workspace.js';
import { hashingBenchmarks } from './micro/hashing.js';
import { planningBenchmark } from './micro/planning.js';
import { measureNoopGraph } from './noop-graph.js';
import { buildScenarios } from './scenarios/builds.js';
import { configLoadScenario } from './scenarios/config-load.js';

/** What the harness itself needs beside mkb's host packages: GNU time, and debootstrap for mkosi's tools tree. */
const HARNESS_PACKAGES = ['time', 'debootstrap'] as const;

async function main(): Promise<void> {
  const options = new Command('bench')
    .option('--quick', 'fewer rounds and smaller inputs')
    .option('--rounds <n>', 'rounds per side-by-side scenario')
    .option('--only <ids>', 'comma-separated scenario ids')
    .option('--no-readme', 'do not update the README table')
    .parse(process.argv)
    .opts<{ quick?: boolean; rounds?: string; only?: string; readme: boolean }>();
  const quick = options.quick === true;
  const rounds = options.rounds ? Number(options.rounds) : undefined;
  const only = options.only ? new Set(options.only.split(',')) : undefined;
  const wanted = (id: string): boolean => only === undefined || only.has(id);
  const log = (line: string): void => console.log(line);

  await installPackages([...HOST_PACKAGES, ...HARNESS_PACKAGES], log);
  await ensureMkosi();

  // The build scenarios share one workspace, made (and both package caches warmed) by the first that runs.
  let workspace: Promise<BuildWorkspace> | undefined;
  const pairScenarios: readonly PairScenario[] = [configLoadScenario, ...buildScenarios(() => (workspace ??= createBuildWorkspace(log)))];
  const pairs: PairResult[] = [];
  const micro: MicroResult[] = [];
  const failures: string[] = [];
  let workspaceNotes: readonly string[] = [];
  // Written after every scenario, so that a long run that is stopped still leaves what it measured.
  const startedAt = new Date().toISOString();
  const save = async (complete: boolean): Promise<string> => {
    const cpu = cpus()[0];
    const report: BenchReport = {
      date: startedAt, complete,
      machine: { cpus: cpu?.model ?? 'unknown', cores: cpus().length, memoryGiB: totalmem() / 1024 ** 3, kernel: release(), node: process.version },
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      pairs, micro, notes: [...workspaceNotes, ...failures],
    };
    const markdown = renderMarkdown(report);
    const resultsDir = join(repoRoot(), 'bench', 'results');
    await mkdir(resultsDir, { recursive: true });
    const stamp = startedAt.slice(0, 19).replaceAll(':', '-');
    await writeFile(join(resultsDir, `${stamp}.json`), JSON.stringify(report, null, 2) + '\n');
    await writeFile(join(resultsDir, `${stamp}.md`), markdown);
    return markdown;
  };

  for (const scenario of pairScenarios.filter((s) => wanted(s.id))) {
    log(`‣ ${scenario.title}`);
    const scenarioRounds = rounds ?? (scenario.rounds === undefined ? (quick ? 3 : 9) : scenario.rounds[quick ? 'quick' : 'full']);
    try {
      pairs.push(await runAlternately(scenario, { rounds: scenarioRounds, log }));
    } catch (error) {
      // A failing scenario is a result too (e.g. mkb cannot build the config yet): say how, and go on.
      const message = error instanceof Error ? error.message : String(error);
      log(`  ${scenario.id} failed: ${message}`);
      failures.push(`${scenario.id} FAILED, no figures: ${withoutHosts(message.trim().split('\n').slice(-12).join(' ⏎ '))}`);
    }
    workspaceNotes = (await workspace?.then((w) => w.notes, () => undefined)) ?? [];
    await save(false);
  }
  await (await workspace?.then((w) => w, () => undefined))?.dispose();
  if (wanted('hashing')) micro.push(...(await hashingBenchmarks({ quick })));
  if (wanted('planning')) {
    log('‣ planning 100 images');
    micro.push(await planningBenchmark({ cli: join(repoRoot(), 'dist/bin/main.js'), quick }));
  }
  if (wanted('noop-graph')) {
    log('‣ no-op build of a 50-node graph holding 200 MiB');
    const noop = await measureNoopGraph({
      cli: join(repoRoot(), 'dist/bin/main.js'), runs: quick ? 5 : 15, trees: 40, merges: 10, totalBytes: 200 * 1024 * 1024, filesPerTree: 20,
    });
    micro.push({
      id: 'noop-graph', title: `no-op build of ${noop.nodes} nodes holding 200 MiB (whole process, median)`, value: noop.noopBuild.median, unit: 'ms',
      reference: { label: "bare `node -e ''`", value: noop.bareNode.median }, goal: 'within 150 ms of bare Node',
    });
  }
  const markdown = await save(true);
  if (options.readme) await updateReadme(join(repoRoot(), 'README.md'), markdown);
  log('\n' + markdown);
}

await main();

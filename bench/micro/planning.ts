import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { median } from '../harness/stats.js';
import type { MicroResult } from '../harness/types.js';

const IMAGES = 100;

/** A main image depending on IMAGES-1 subimages in mkosi.images/, each with its own Packages=. */
async function writeHundredImages(root: string): Promise<void> {
  const subimages = Array.from({ length: IMAGES - 1 }, (_, i) => `img${String(i + 1).padStart(3, '0')}`);
  await writeFile(join(root, 'mkosi.conf'), [
    '[Distribution]', 'Distribution=debian', 'Release=bookworm', '',
    '[Output]', 'Format=directory', '',
    '[Config]', `Dependencies=${subimages.join(' ')}`, '',
    '[Content]', 'Packages=systemd', '',
  ].join('\n'));
  for (const name of subimages) {
    await mkdir(join(root, 'mkosi.images', name), { recursive: true });
    await writeFile(join(root, 'mkosi.images', name, 'mkosi.conf'), ['[Output]', 'Format=directory', '', '[Content]', `Packages=systemd pkg-${name}`, ''].join('\n'));
  }
}

async function timedRun(argv: readonly string[], cwd: string): Promise<{ ms: number; stdout: string }> {
  const [file, ...args] = argv;
  const start = process.hrtime.bigint();
  const r = await execa(file as string, args, { cwd, reject: false, stdin: 'ignore' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} exited with ${String(r.exitCode)}:\n${r.stderr.slice(-2000)}`);
  return { ms, stdout: r.stdout };
}

/**
 * Planning 100 images: `mkb build --dry-run` (load, plan, keys, store lookups; nothing runs) against `mkb summary`
 * of the same tree (load only), alternately, whole process; the difference is what planning adds.
 */
export async function planningBenchmark(options: { cli: string; quick: boolean }): Promise<MicroResult> {
  const root = await mkdtemp(join(tmpdir(), 'mkb-bench-plan-'));
  try {
    await writeHundredImages(root);
    const cache = join(root, 'store');
    const dryRun = [process.execPath, options.cli, `--cache-directory=${cache}`, 'build', '--dry-run'];
    const summary = [process.execPath, options.cli, 'summary'];
    const first = await timedRun(dryRun, root);
    const nodes = /(\d+) nodes:/.exec(first.stdout)?.[1] ?? '?';
    const plan: number[] = [];
    const load: number[] = [];
    for (let i = 0; i < (options.quick ? 5 : 15); i++) {
      load.push((await timedRun(summary, root)).ms);
      plan.push((await timedRun(dryRun, root)).ms);
    }
    return {
      id: 'planning', title: `planning ${IMAGES} images: \`build --dry-run\` of ${nodes} nodes (whole process, median)`,
      value: median(plan), unit: 'ms', reference: { label: '`summary` of the same tree (loading only)', value: median(load) }, goal: null,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

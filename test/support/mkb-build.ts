// Runs the built CLI (`dist/`) on a configuration directory with `--reporter json` and collects its events.
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { BuildEvent } from '../../src/report/events.js';

export const MKB = resolve(import.meta.dirname, '../../dist/bin/main.js');

export interface BuildRun {
  readonly exitCode: number;
  readonly events: readonly BuildEvent[];
  readonly stderr: string;
  /** Node ids that ran (node-start events). */
  readonly ran: readonly string[];
  readonly ms: number;
}

/**
 * `args` go before the verb; `verbArgs` after `build … --` (mkosi passes them to build scripts); `wrap` is a
 * command the CLI runs under (e.g. `unshare -n` for a build without network).
 */
export async function mkbBuild(options: {
  dir: string; store: string; packages: string; args?: readonly string[]; verbArgs?: readonly string[]; wrap?: readonly string[];
}): Promise<BuildRun> {
  const started = Date.now();
  const [command = 'node', ...prefix] = [...options.wrap ?? [], 'node'];
  const r = await execa(command, [
    ...prefix, MKB, '-C', options.dir, `--cache-directory=${options.store}`, `--package-cache-directory=${options.packages}`,
    ...(options.args ?? []), 'build', '--reporter', 'json', ...(options.verbArgs === undefined ? [] : ['--', ...options.verbArgs]),
  ], { reject: false, env: { MKB_SHUFFLE: '1' } });
  const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as BuildEvent);
  const ran = events.flatMap((e) => (e.type === 'node-start' ? [e.node] : [])).sort();
  return { exitCode: r.exitCode ?? -1, events, stderr: r.stderr, ran, ms: Date.now() - started };
}

/** A private copy of a fixture config (tests modify it). */
export async function copyFixture(name: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), `mkb-${name}-`)), name);
  await cp(resolve(import.meta.dirname, '../../fixtures/builds', name), dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

// One tool's side of the build scenarios: its own copy of the bench config, its own build cache, output
// and package cache, and the exact command line that builds it. Both sides get the same mirror and the
// same scenario changes, passed as mkosi options that both tools accept.
import { cp, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { TimedCommand } from '../harness/types.js';

export type Tool = 'mkb' | 'mkosi';

export interface BuildSide {
  readonly tool: Tool;
  /** This side's private copy of the bench config (scenarios edit it). */
  readonly config: string;
  /** The timed command: a build with these extra mkosi options. */
  command(extra?: readonly string[]): TimedCommand;
  /** An un-timed build (warm-up, preparation); throws when the build fails. */
  build(extra?: readonly string[]): Promise<void>;
  /** Empties the build cache and the outputs, keeping the package cache. */
  reset(): Promise<void>;
}

export interface SideOptions {
  readonly tool: Tool;
  /** The config to copy (bench/configs/<name>). */
  readonly source: string;
  /** Scratch directory of this side for this bench run. */
  readonly dir: string;
  /** The package download cache, kept between bench runs. */
  readonly packageCache: string;
  /** The Debian archive URI, given to both tools as LocalMirror=. */
  readonly mirror: string;
  /** argv before the mkosi options (`node main.js` or `python3 -m mkosi`) and the tool's environment. */
  readonly program: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Options only this tool gets: mkosi's --incremental/-f/--tools-tree, mkb's reporter. */
  readonly toolOptions: readonly string[];
  /** Options after the verb. */
  readonly verbOptions: readonly string[];
}

export async function createSide(o: SideOptions): Promise<BuildSide> {
  const config = join(o.dir, 'config');
  const cache = join(o.dir, 'cache');
  const output = join(o.dir, 'output');
  await rm(o.dir, { recursive: true, force: true });
  await cp(o.source, config, { recursive: true });
  await mkdir(o.packageCache, { recursive: true });
  const command = (extra: readonly string[] = []): TimedCommand => ({
    argv: [
      ...o.program, '-C', config, `--local-mirror=${o.mirror}`, `--cache-directory=${cache}`, `--package-cache-directory=${o.packageCache}`,
      `--output-directory=${output}`,
      ...o.toolOptions, ...extra, 'build', ...o.verbOptions,
    ],
    cwd: config, env: o.env,
  });
  const reset = async (): Promise<void> => {
    await rm(cache, { recursive: true, force: true });
    await rm(output, { recursive: true, force: true });
    await mkdir(cache, { recursive: true });
    await mkdir(output, { recursive: true });
  };
  await reset();
  return {
    tool: o.tool, config, command, reset,
    async build(extra = []) {
      const c = command(extra);
      const [file, ...args] = c.argv;
      const r = await execa(file as string, args, { cwd: c.cwd, env: c.env, extendEnv: false, reject: false, stdin: 'ignore', all: true });
      if (r.exitCode !== 0) throw new Error(`${o.tool} preparation build failed (exit ${r.exitCode}): ${c.argv.join(' ')}\n${r.all.slice(-3000)}`);
    },
  };
}

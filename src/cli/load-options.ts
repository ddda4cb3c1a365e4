import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadOptions } from '../config/load/types.js';
import { gatherHostFacts } from './host-facts.js';
import type { CliIo } from './io.js';
import type { ParsedArgv } from './parse-argv.js';

/** The directory holding package.json: the checkout, or the installed package (works from src/ and dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** mkb's builtin configurations (mkosi-tools, mkosi-initrd, …): `resources/` of the package. */
export function resourcesDir(): string {
  return join(packageRoot(), 'resources');
}

/** The configuration directory the command line selects: `-C`, else the working directory; null for `-C ''`. */
export function selectedDirectory(parsed: ParsedArgv, io: CliIo): string | null {
  return parsed.directory === undefined ? io.cwd : parsed.directory;
}

/** Turns the parsed command line and the process into the loader's input (the loader never reads globals). */
export function buildLoadOptions(parsed: ParsedArgv, io: CliIo, overrides: Partial<Pick<LoadOptions, 'cli' | 'directory' | 'verb'>> = {}): LoadOptions {
  const directory = overrides.directory === undefined ? selectedDirectory(parsed, io) : overrides.directory;
  return {
    directory,
    cli: overrides.cli ?? parsed.cli,
    verb: overrides.verb ?? parsed.verb,
    force: parsed.force,
    host: gatherHostFacts({ env: io.env, directory }),
    resourcesDir: resourcesDir(),
    cwd: io.cwd,
  };
}

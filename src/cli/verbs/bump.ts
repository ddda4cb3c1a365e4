import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { configDirectory } from '../../config/load/load-config.js';
import { EXIT_CODES } from '../exit-codes.js';
import { selectedDirectory } from '../load-options.js';
import { VerbFailed } from '../report-error.js';
import type { VerbContext } from '../verb-context.js';

/** The next version: the last dot-separated component plus one, or `.2` appended when it is not a number. */
export function bumpVersion(current: string): { version: string; appended: boolean } {
  const parts = current.split('.');
  const last = parts[parts.length - 1] ?? '';
  if (!/^[0-9]+$/.test(last)) return { version: `${current}.2`, appended: true };
  parts[parts.length - 1] = String(BigInt(last) + 1n);
  return { version: parts.join('.'), appended: false };
}

async function modeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function runBumpScript(script: string, cwd: string): Promise<string> {
  const { execa } = await import('execa');
  const result = await execa(script, [], { cwd, reject: false, stdin: 'ignore', stderr: 'inherit' });
  if (result.failed) throw new VerbFailed(`${script} failed${result.exitCode === undefined ? '' : ` with exit status ${result.exitCode}`}`);
  return result.stdout.trim();
}

/**
 * `bump`: writes the next image version to mkosi.version. `--image-version=` on the command line is written
 * as given; else `mkosi.bump` (if present) prints the new version; else the last numeric component goes up.
 */
export async function bumpVerb(ctx: VerbContext): Promise<number> {
  const say = (text: string): void => ctx.io.err(`‣ ${text}\n`);
  const directory = selectedDirectory(ctx.parsed, ctx.io);
  if (directory === null) throw new VerbFailed('Image version cannot be finalized with empty --directory');
  const configdir = configDirectory(directory);
  const versionFile = join(configdir, 'mkosi.version');
  const bumpScript = join(configdir, 'mkosi.bump');
  const mode = await modeOf(versionFile);
  if (mode !== undefined && (mode & 0o111) !== 0) throw new VerbFailed(`Cannot bump image version, '${versionFile}' is executable`);

  const fromCli = ctx.parsed.cli.filter((a) => a.setting === 'ImageVersion').at(-1)?.raw;
  const current = mode === undefined ? undefined : (await readFile(versionFile, 'utf8')).trim();
  let next: string;
  if (fromCli !== undefined && fromCli !== '') {
    next = fromCli;
  } else {
    if ((await modeOf(bumpScript)) !== undefined) {
      say(`Running bump script ${bumpScript}`);
      next = await runBumpScript(bumpScript, configdir);
    } else if (current === undefined || current === '') {
      next = '1';
    } else {
      const bumped = bumpVersion(current);
      if (bumped.appended) say("Last component of current version is not a decimal integer, appending '.2'");
      next = bumped.version;
    }
    say(`Bumping version: '${current || 'n/a'}' → '${next}'`);
  }
  await writeFile(versionFile, next);
  say(`Wrote new version ${next} to ${versionFile}`);
  return EXIT_CODES.ok;
}

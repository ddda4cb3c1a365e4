import { EXIT_CODES } from '../exit-codes.js';
import { parseArgv } from '../parse-argv.js';
import { VerbFailed } from '../report-error.js';
import type { VerbContext } from '../verb-context.js';
import { loadForVerb } from './load.js';

/**
 * `dependencies [-- options…]`: the packages mkb's builtin tools tree config (mkosi-tools) installs, sorted,
 * one a line, duplicates kept as mkosi prints them. As in mkosi, only the options after the verb count
 * (`-- --profile=devel`), never the config directory.
 */
export async function dependenciesVerb(ctx: VerbContext): Promise<number> {
  const inner = parseArgv(ctx.parsed.args, { cwd: ctx.io.cwd });
  if (!inner.ok) throw new VerbFailed(`dependencies: ${inner.error.message}`, 'options after `dependencies --` are mkosi options such as --profile=devel');
  const cli = [{ setting: 'Include', raw: 'mkosi-tools', option: '--include' }, ...inner.value.cli];
  const loaded = await loadForVerb(ctx, { directory: null, cli });
  const main = loaded.images[loaded.images.length - 1];
  const packages = Array.isArray(main?.['Packages']) ? (main['Packages'] as unknown[]).map(String) : [];
  const sorted = [...packages].sort();
  if (sorted.length > 0) ctx.io.out(`${sorted.join('\n')}\n`);
  return EXIT_CODES.ok;
}

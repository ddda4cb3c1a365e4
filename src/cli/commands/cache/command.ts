import { Command } from 'commander';
import { cacheDirOption } from '../../engine/common-options.js';
import { exitWith } from '../../engine/exit.js';

async function withRuntime(fn: (runtime: import('../../engine/runtime.js').EngineRuntime, actions: typeof import('./action.js')) => Promise<number>): Promise<void> {
  const [actions, { processRuntime }] = await Promise.all([import('./action.js'), import('../../engine/runtime.js')]);
  const runtime = processRuntime();
  try {
    await exitWith(fn(runtime, actions));
  } finally {
    runtime.dispose();
  }
}

const dir = (flags: { cacheDir?: string }) => (flags.cacheDir === undefined ? {} : { cacheDir: flags.cacheDir });

export const cacheCommand = new Command('cache')
  .description('Inspect and shrink the local store')
  .addCommand(new Command('stats').description('What the store holds').addOption(cacheDirOption())
    .option('--json', 'machine-readable output')
    .action((flags: { cacheDir?: string; json?: boolean }) => withRuntime((rt, a) => a.cacheStatsAction({ ...dir(flags), json: flags.json === true }, rt))))
  .addCommand(new Command('gc').description('Evict least recently used entries until the store fits')
    .requiredOption('--max-size <size>', 'high watermark, e.g. 20G; collection goes down to 80% of it')
    .addOption(cacheDirOption())
    .action((flags: { cacheDir?: string; maxSize: string }) => withRuntime(async (rt, a) => {
      const { parseSize } = await import('../../engine/parse-size.js');
      const maxSize = parseSize(flags.maxSize);
      if (maxSize === undefined) {
        rt.err(`✗ --max-size: "${flags.maxSize}" is not a size\n  hint: use a number with an optional K, M, G or T suffix, e.g. 20G\n`);
        return 2;
      }
      return a.cacheGcAction({ ...dir(flags), maxSize }, rt);
    })))
  .addCommand(new Command('verify').description('Re-hash every entry; drop the ones that do not verify').addOption(cacheDirOption())
    .action((flags: { cacheDir?: string }) => withRuntime((rt, a) => a.cacheVerifyAction(dir(flags), rt))));

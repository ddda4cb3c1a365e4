import { Command } from 'commander';
import { cacheDirOption, planFileOption } from '../../engine/common-options.js';
import { exitWith } from '../../engine/exit.js';

export const explainCommand = new Command('explain')
  .description('Say why nodes would be rebuilt: what changed since the last build')
  .argument('[IMAGE:NODE]', 'the node to explain (default: every node that is not up to date)')
  .addOption(planFileOption()).addOption(cacheDirOption())
  .addHelpText('after', `
Examples:
  $ mkb explain                   # every node that would be rebuilt, and why
  $ mkb explain main:finalize     # settings old → new, changed files, upstream output digests`)
  .action(async (node: string | undefined, flags: { planFile?: string; cacheDir?: string }) => {
    const [{ explainAction }, { processRuntime }] = await Promise.all([import('./action.js'), import('../../engine/runtime.js')]);
    const runtime = processRuntime();
    try {
      await exitWith(explainAction({
        ...(node === undefined ? {} : { node }),
        ...(flags.planFile === undefined ? {} : { planFile: flags.planFile }),
        ...(flags.cacheDir === undefined ? {} : { cacheDir: flags.cacheDir }),
      }, runtime));
    } finally {
      runtime.dispose();
    }
  });

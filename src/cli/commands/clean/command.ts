import { Command, Option } from 'commander';
import { cacheDirOption, planFileOption } from '../../engine/common-options.js';
import { exitWith } from '../../engine/exit.js';

interface CleanFlags { force?: number; outputDir?: string; output?: string[]; buildDir?: string; planFile?: string; cacheDir?: string }

export const cleanCommand = new Command('clean')
  .description('Remove outputs; -f also image caches and the build directory; -ff also package metadata caches')
  .addOption(new Option('-f, --force', 'repeat for more (-f, -ff, -fff as mkosi)').argParser((_v: string, prev: number | undefined) => (prev ?? 0) + 1))
  .addOption(new Option('--output-dir <dir>', 'OutputDirectory (until the config engine provides it)').hideHelp())
  .addOption(new Option('--output <name...>', 'output names (until the config engine provides them)').hideHelp())
  .addOption(new Option('--build-dir <dir>', 'BuildDirectory (until the config engine provides it)').hideHelp())
  .addOption(planFileOption()).addOption(cacheDirOption())
  .action(async (flags: CleanFlags) => {
    const [{ cleanAction }, { processRuntime }, { loadPlanFile }, { loadKinds }] = await Promise.all([
      import('./action.js'), import('../../engine/runtime.js'), import('../../engine/plan-file.js'), import('../../../nodes/kind-loaders.js'),
    ]);
    const runtime = processRuntime();
    try {
      const plan = flags.planFile === undefined ? undefined : await loadPlanFile(flags.planFile, loadKinds);
      await exitWith(cleanAction({
        force: flags.force ?? 0, outputs: flags.output ?? [],
        ...(plan?.ok === true ? { nodes: { root: plan.value.input.root, ids: plan.value.input.nodes.map((n) => n.id) } } : {}),
        ...(flags.outputDir === undefined ? {} : { outputDirectory: flags.outputDir }),
        ...(flags.buildDir === undefined ? {} : { buildDirectory: flags.buildDir }),
        ...(flags.cacheDir === undefined ? {} : { cacheDir: flags.cacheDir }),
      }, runtime));
    } finally {
      runtime.dispose();
    }
  });

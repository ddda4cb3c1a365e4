import { Command, Option } from 'commander';
import type { FailureMode } from '../../../graph/failure-mode.js';
import type { ReporterName } from '../../../report/reporter.js';
import {
  cacheDirOption, failureModeOption, jobsOption, planFileOption, profileOption, reporterOption,
} from '../../engine/common-options.js';
import { exitWith } from '../../engine/exit.js';

interface BuildFlags {
  planFile?: string; cacheDir?: string; jobs?: number; failureMode: FailureMode; reporter?: ReporterName;
  profile?: string; dryRun?: boolean; maxCacheSize?: string;
}

export const buildCommand = new Command('build')
  .description('Build the images (the engine part: run the build graph over the store)')
  .addOption(planFileOption()).addOption(cacheDirOption()).addOption(jobsOption()).addOption(failureModeOption())
  .addOption(reporterOption()).addOption(profileOption())
  .option('--dry-run', 'print the plan with each node\'s state (cached / to build, and why) and run nothing')
  .addOption(new Option('--max-cache-size <size>', 'after building, shrink the store below SIZE (e.g. 20G), keeping this build'))
  .addHelpText('after', `
Examples:
  $ mkb build                          # build; an up-to-date tree runs zero nodes
  $ mkb build --dry-run                # what would be built, and why
  $ mkb build -j 8 --reporter json     # 8 slots, NDJSON events on stdout
  $ mkb build --profile trace.json     # Chrome trace for Perfetto`)
  .action(async (flags: BuildFlags) => {
    const [{ buildAction }, { processRuntime }, { parseSize }] = await Promise.all([
      import('./action.js'), import('../../engine/runtime.js'), import('../../engine/parse-size.js'),
    ]);
    const maxCacheSize = flags.maxCacheSize === undefined ? undefined : parseSize(flags.maxCacheSize);
    if (flags.maxCacheSize !== undefined && maxCacheSize === undefined) throw new Error(`--max-cache-size: not a size: ${flags.maxCacheSize}`);
    const runtime = processRuntime();
    try {
      await exitWith(buildAction({
        failureMode: flags.failureMode, dryRun: flags.dryRun === true,
        ...(flags.planFile === undefined ? {} : { planFile: flags.planFile }),
        ...(flags.cacheDir === undefined ? {} : { cacheDir: flags.cacheDir }),
        ...(flags.jobs === undefined ? {} : { jobs: flags.jobs }),
        ...(flags.reporter === undefined ? {} : { reporter: flags.reporter }),
        ...(flags.profile === undefined ? {} : { profile: flags.profile }),
        ...(maxCacheSize === undefined ? {} : { maxCacheSize }),
      }, runtime));
    } finally {
      runtime.dispose();
    }
  });

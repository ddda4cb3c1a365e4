import { Command, Option } from 'commander';
import { GRAPH_FORMATS } from '../../../graph/graph-formats.js';
import type { GraphFormat } from '../../../graph/graph-formats.js';
import { cacheDirOption, planFileOption } from '../../engine/common-options.js';
import { exitWith } from '../../engine/exit.js';

export const graphCommand = new Command('graph')
  .description('Print the build graph with each node\'s state, key prefix and last duration')
  .addOption(new Option('--format <format>', 'output format').choices(GRAPH_FORMATS).default('dot'))
  .addOption(planFileOption()).addOption(cacheDirOption())
  .addHelpText('after', `
Examples:
  $ mkb graph | dot -Tsvg > graph.svg
  $ mkb graph --format mermaid
  $ mkb graph --format json | jq '.nodes[] | select(.state != "cached")'`)
  .action(async (flags: { format: GraphFormat; planFile?: string; cacheDir?: string }) => {
    const [{ graphAction }, { processRuntime }] = await Promise.all([import('./action.js'), import('../../engine/runtime.js')]);
    const runtime = processRuntime();
    try {
      await exitWith(graphAction({
        format: flags.format,
        ...(flags.planFile === undefined ? {} : { planFile: flags.planFile }),
        ...(flags.cacheDir === undefined ? {} : { cacheDir: flags.cacheDir }),
      }, runtime));
    } finally {
      runtime.dispose();
    }
  });

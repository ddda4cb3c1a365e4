import { Option } from 'commander';
import { FAILURE_MODES } from '../../graph/failure-mode.js';
import { REPORTER_NAMES } from '../../report/reporter.js';

/** Options shared by the engine commands (build, explain, graph, cache, clean). */
export const planFileOption = (): Option =>
  new Option('--plan-file <file>', 'INTERNAL: build a JSON plan of fixture node kinds (tests and bench/ only)').hideHelp();
export const cacheDirOption = (): Option =>
  new Option('--cache-dir <dir>', 'store root (default: CacheDirectory=, else /var/cache/mkb as root, ~/.cache/mkb otherwise)');
export const jobsOption = (): Option =>
  new Option('-j, --jobs <n>', 'worker slots (default: number of CPUs)').argParser((v) => {
    const n = Number.parseInt(v, 10);
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--jobs must be a positive integer, not ${v}`);
    return n;
  });
export const reporterOption = (): Option =>
  new Option('--reporter <name>', 'how to show progress (default: pretty on a terminal, plain otherwise)').choices(REPORTER_NAMES);
export const failureModeOption = (): Option =>
  new Option('--failure-mode <mode>', 'after a failure: stop starting nodes, keep building independent ones, or kill running ones')
    .choices(FAILURE_MODES).default('no-new');
export const profileOption = (): Option => new Option('--profile <file>', 'also write a Chrome trace (open it in Perfetto)');

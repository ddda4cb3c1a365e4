import type { FailureMode } from '../../graph/failure-mode.js';
import { FAILURE_MODES } from '../../graph/failure-mode.js';
import type { ReporterName } from '../../report/reporter.js';
import { REPORTER_NAMES } from '../../report/reporter.js';

/** The engine's options on the mkosi-style `build` verb (mkosi has none of these names). */
export interface BuildFlags {
  readonly dryRun: boolean;
  readonly reporter?: ReporterName;
  readonly jobs?: number;
  readonly failureMode?: FailureMode;
}

export type SplitResult = { ok: true; argv: string[]; flags: BuildFlags } | { ok: false; message: string };

const VALUED = new Set(['--reporter', '--jobs', '-j', '--failure-mode']);

/**
 * Takes `--dry-run`, `--reporter X`, `-j/--jobs N` and `--failure-mode X` out of a `build` command line
 * (before `--`), so the mkosi-compatible parser sees only mkosi's options.
 */
export function splitBuildFlags(argv: readonly string[]): SplitResult {
  const rest: string[] = [];
  const values = new Map<string, string>();
  let dryRun = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = a.indexOf('=');
    const name = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    if (a === '--dry-run') dryRun = true;
    else if (VALUED.has(name)) {
      const value = name !== a ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) return { ok: false, message: `${name} needs a value` };
      values.set(name === '-j' ? '--jobs' : name, value);
    } else rest.push(a);
  }
  const reporter = values.get('--reporter');
  if (reporter !== undefined && !(REPORTER_NAMES as readonly string[]).includes(reporter)) {
    return { ok: false, message: `--reporter must be one of ${REPORTER_NAMES.join(', ')}, not ${reporter}` };
  }
  const mode = values.get('--failure-mode');
  if (mode !== undefined && !(FAILURE_MODES as readonly string[]).includes(mode)) {
    return { ok: false, message: `--failure-mode must be one of ${FAILURE_MODES.join(', ')}, not ${mode}` };
  }
  const jobsText = values.get('--jobs');
  const jobs = jobsText === undefined ? undefined : Number.parseInt(jobsText, 10);
  if (jobs !== undefined && (!Number.isSafeInteger(jobs) || jobs < 1)) return { ok: false, message: `--jobs must be a positive integer, not ${jobsText}` };
  return {
    ok: true, argv: rest,
    flags: {
      dryRun, ...(reporter === undefined ? {} : { reporter: reporter as ReporterName }), ...(jobs === undefined ? {} : { jobs }),
      ...(mode === undefined ? {} : { failureMode: mode as FailureMode }),
    },
  };
}

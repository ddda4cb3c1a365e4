// Kept deliberately light: `mkb --version` must not load the settings table, zod or commander.
import { MKB_MKOSI_COMPAT_VERSION } from '../config/compat-version.js';
import { MKB_VERSION } from '../version.js';
import type { CliIo } from './io.js';
import { processIo } from './io.js';

/** `mkosi --version` prints `mkosi 27.1`; mkb keeps that form (scripts parse it) and adds its own version. */
export function versionText(): string {
  return `mkosi ${MKB_MKOSI_COMPAT_VERSION} (mkb ${MKB_VERSION})\n`;
}

const ENGINE_ONLY_VERBS = new Set(['graph', 'cache']);
const ENGINE_OPTIONS = ['--plan-file', '--cache-dir', '--output-dir', '--build-dir'];

/** The engine's commands, recognized by their first word (they have their own options, e.g. `--format`). */
export function isEngineInvocation(argv: readonly string[]): boolean {
  const first = argv[0];
  if (first === undefined) return false;
  if (ENGINE_ONLY_VERBS.has(first)) return true;
  // `build`, `explain` and `clean` on a configuration are verbs; they reach the engine only with its internal options.
  return (first === 'build' || first === 'explain' || first === 'clean') && argv.some((a) => ENGINE_OPTIONS.some((o) => a === o || a.startsWith(`${o}=`)));
}

/** Runs one mkb invocation and returns the exit status; never exits the process itself. */
export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const literal = argv.indexOf('--');
  if ((literal === -1 ? argv : argv.slice(0, literal)).includes('--version')) {
    io.out(versionText());
    return 0;
  }
  if (isEngineInvocation(argv)) return (await import('./engine-program.js')).runEngine(argv);
  return (await import('./run-verb.js')).runVerb(argv, io);
}

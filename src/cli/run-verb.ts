import { statSync } from 'node:fs';
import { MKB_VERSION } from '../version.js';
import { splitBuildFlags } from './engine/build-flags.js';
import { EXIT_CODES } from './exit-codes.js';
import type { CliIo } from './io.js';
import { parseArgv } from './parse-argv.js';
import { versionText } from './program.js';
import { reportError, VerbFailed } from './report-error.js';
import type { VerbAction } from './verb-context.js';
import { findVerb, VERBS } from './verbs.js';

/** Each implemented verb's action, loaded only when that verb runs. */
const ACTIONS: Readonly<Record<string, () => Promise<VerbAction>>> = {
  build: async () => (await import('./verbs/build.js')).buildVerb,
  clean: async () => (await import('./verbs/clean.js')).cleanVerb,
  shell: async () => (await import('./verbs/shell.js')).shellVerb,
  boot: async () => (await import('./verbs/shell.js')).shellVerb,
  explain: async () => (await import('./verbs/explain.js')).explainVerb,
  summary: async () => (await import('./verbs/summary.js')).summaryVerb,
  'cat-config': async () => (await import('./verbs/cat-config.js')).catConfigVerb,
  help: async () => (await import('./verbs/help.js')).helpVerb,
  documentation: async () => (await import('./verbs/documentation.js')).documentationVerb,
  completion: async () => (await import('./verbs/completion/completion.js')).completionVerb,
  genkey: async () => (await import('./verbs/genkey.js')).genkeyVerb,
  bump: async () => (await import('./verbs/bump.js')).bumpVerb,
  dependencies: async () => (await import('./verbs/dependencies.js')).dependenciesVerb,
};

export const USAGE_LINE = 'usage: mkb [options…] VERB [options…] [-- args…]   (mkb --help lists verbs and options)';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // missing or unreadable: reported as "not a directory" below, as mkosi does
  }
}

function notAvailable(verb: string): VerbFailed {
  const available = VERBS.filter((v) => v.available && v.mkbOnly !== true).map((v) => v.name).join(', ');
  return new VerbFailed(
    `The '${verb}' verb is not available yet in this version of mkb (${MKB_VERSION})`,
    `verbs available now: ${available}; use mkosi 27.1 for '${verb}' until it lands`,
    EXIT_CODES.notAvailable,
  );
}

/** The mkosi-compatible command line: parse, check, and run one verb; every failure becomes an exit status. */
export async function runVerb(argv: readonly string[], io: CliIo): Promise<number> {
  // `build` also takes the engine's options, which the mkosi-compatible parser does not know.
  const split = argv.includes('build') ? splitBuildFlags(argv) : undefined;
  if (split !== undefined && !split.ok) {
    io.err(`${USAGE_LINE}\nmkb: error: ${split.message}\n`);
    return EXIT_CODES.usage;
  }
  const result = parseArgv(split?.argv ?? argv, { cwd: io.cwd });
  if (!result.ok) {
    io.err(`${USAGE_LINE}\nmkb: error: ${result.error.message}\n`);
    return result.error.exitCode;
  }
  const parsed = result.value;
  if (parsed.version) {
    io.out(versionText());
    return EXIT_CODES.ok;
  }
  const verbName = parsed.help ? 'help' : parsed.verb;
  try {
    const verb = findVerb(verbName);
    if (verb === undefined) throw new Error(`verb ${verbName} passed the parser but is unknown`);
    if (parsed.args.length > 0 && !verb.acceptsArgs) {
      throw new VerbFailed(`Arguments after verb are not supported for the '${verb.name}' command`);
    }
    if (parsed.rerunBuildScripts && verb.builds !== true) {
      throw new VerbFailed(`--rerun-build-scripts cannot be used with the '${verb.name}' command`);
    }
    if (parsed.rerunBuildScripts && parsed.force > 0) throw new VerbFailed('--force cannot be used together with --rerun-build-scripts');
    if (typeof parsed.directory === 'string' && !isDirectory(parsed.directory)) {
      throw new VerbFailed(`${parsed.directory} is not a directory!`);
    }
    const action = ACTIONS[verb.name];
    if (!verb.available || action === undefined) throw notAvailable(verb.name);
    return await (await action())({ parsed, io, ...(split?.ok === true ? { buildFlags: split.flags } : {}) });
  } catch (error) {
    return reportError(error, { debug: parsed.debug, err: io.err });
  }
}

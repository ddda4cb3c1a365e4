import { ConfigInvalid, renderDiagnostic } from '../config/diagnostics.js';
import type { ConfigDiagnostic } from '../config/diagnostics.js';
import { MKB_MKOSI_COMPAT_VERSION } from '../config/compat-version.js';
import { MKB_VERSION } from '../version.js';
import { EXIT_CODES } from './exit-codes.js';

/** An expected failure of a verb, already worded for the user (mkosi's `die()`): printed as `‣ message`. */
export class VerbFailed extends Error {
  override readonly name = 'VerbFailed';
  constructor(message: string, readonly hint?: string, readonly exitCode: number = EXIT_CODES.failure) {
    super(message);
  }
}

/** Renders config warnings to stderr, one block each. */
export function renderWarnings(warnings: readonly ConfigDiagnostic[]): string {
  return warnings.map((w) => `${renderDiagnostic(w)}\n`).join('');
}

/**
 * The single place where a verb's exception becomes output and an exit status: config problems are listed
 * in full, expected failures get mkosi's `‣` line, and anything else is a bug (R7): no stack unless --debug.
 */
export function reportError(error: unknown, options: { readonly debug: boolean; readonly err: (text: string) => void }): number {
  if (error instanceof ConfigInvalid) {
    const errors = error.diagnostics.length === 0 ? [{ severity: 'error', message: error.message } as const] : error.diagnostics;
    options.err(errors.map((d) => `${renderDiagnostic(d)}\n`).join(''));
    const count = errors.length;
    options.err(`‣ the configuration has ${count} problem${count === 1 ? '' : 's'}; nothing was done\n`);
    if (options.debug && error.stack) options.err(`${error.stack}\n`);
    return EXIT_CODES.failure;
  }
  if (error instanceof VerbFailed) {
    options.err(`‣ ${error.message}\n`);
    if (error.hint) options.err(`‣ (${error.hint})\n`);
    if (options.debug && error.stack) options.err(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  options.err(`✗ internal error: ${message}\n  this is a bug in mkb ${MKB_VERSION} (mkosi ${MKB_MKOSI_COMPAT_VERSION} compatible); please report it\n`);
  if (options.debug) options.err(`${error instanceof Error && error.stack ? error.stack : message}\n`);
  else options.err('  hint: rerun with --debug to print the stack trace\n');
  return EXIT_CODES.internal;
}

/**
 * Exit statuses of the mkosi-compatible CLI. 1 and 2 are mkosi's (a failed verb or an invalid config, and
 * argparse's usage errors); the others follow sysexits.h so scripts can tell them apart.
 */
export const EXIT_CODES = {
  ok: 0,
  /** The verb failed, or the configuration is invalid (mkosi exits 1 for both). */
  failure: 1,
  /** Bad command line: unknown option, missing value, unknown verb (argparse's status). */
  usage: 2,
  /** The verb exists in mkosi 27.1 but this version of mkb does not implement it yet (EX_UNAVAILABLE). */
  notAvailable: 69,
  /** A bug in mkb: an unexpected exception (EX_SOFTWARE). */
  internal: 70,
  /** Interrupted by SIGINT. */
  cancelled: 130,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

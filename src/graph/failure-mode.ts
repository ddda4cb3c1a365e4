/**
 * What the executor does after a node fails:
 * - `no-new`: let running nodes finish, start nothing new (default);
 * - `continue`: keep building everything that does not depend on the failure;
 * - `kill`: abort running nodes (their subprocesses get killed) and start nothing new.
 */
export const FAILURE_MODES = ['no-new', 'continue', 'kill'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

export function isFailureMode(value: string): value is FailureMode {
  return (FAILURE_MODES as readonly string[]).includes(value);
}

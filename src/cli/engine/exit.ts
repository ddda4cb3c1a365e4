/** Exit statuses of engine commands. */
export const EXIT = { ok: 0, buildFailed: 1, usage: 2, cancelled: 130 } as const;

/** Thrown out of a commander action to end with a status (program.ts maps `exitCode` to the process status). */
export class CommandExit extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

/** Runs an action and turns a non-zero status into a CommandExit. */
export async function exitWith(status: Promise<number>): Promise<void> {
  const code = await status;
  if (code !== 0) throw new CommandExit(code);
}

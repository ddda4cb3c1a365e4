import { run } from '../../src/cli/program.js';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs mkb in-process with captured output (no process.* involved). */
export async function runCli(argv: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const status = await run(argv, {
    out: (t) => { stdout += t; },
    err: (t) => { stderr += t; },
    env: { HOME: '/nonexistent-home', USER: 'tester', PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...options.env },
    cwd: options.cwd ?? '/nonexistent-cwd',
    isTTY: false,
  });
  return { status, stdout, stderr };
}

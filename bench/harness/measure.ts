import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunSample, TimedCommand } from './types.js';

/**
 * Runs a command under GNU time, which reports the child's peak resident set from wait4's rusage.
 * Wall time is taken around the whole process, as a user would feel it.
 */
export async function measure(command: TimedCommand): Promise<RunSample> {
  const dir = await mkdtemp(join(tmpdir(), 'mkb-bench-'));
  const timeFile = join(dir, 'time');
  try {
    const start = process.hrtime.bigint();
    const result = await execa('/usr/bin/time', ['-f', '%M', '-o', timeFile, ...command.argv], {
      cwd: command.cwd, env: command.env, extendEnv: false, reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe',
    });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const lines = (await readFile(timeFile, 'utf8')).trim().split('\n');
    const peakRssKiB = Number(lines[lines.length - 1]);
    if (result.exitCode !== 0) {
      throw new Error(`benchmark command failed (exit ${result.exitCode}): ${command.argv.join(' ')}\n${result.stderr.slice(-2000)}`);
    }
    const lastLine = result.stderr.trim().split('\n').at(-1) ?? '';
    return { ms, peakRssKiB, exitCode: result.exitCode, lastLine };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Runs a command in namespaces with the image's API file systems mounted, picking bubblewrap when the
// host has it and `unshare` otherwise.
import { access, constants, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../../errors/result.js';
import type { PackageFailure } from '../packages/package-failure.js';
import { runTool } from '../packages/run-tool.js';
import type { Environment, ToolOutput } from '../packages/run-tool.js';
import { sandboxArgv } from './sandbox-command.js';
import type { SandboxBackend, SandboxSpec } from './sandbox-command.js';

async function executable(path: string): Promise<boolean> {
  return access(path, constants.X_OK).then(() => true, () => false);
}

/** `bwrap` when an executable one is on `PATH`, else `unshare`. */
export async function detectSandboxBackend(env: Environment): Promise<SandboxBackend> {
  for (const dir of (env['PATH'] ?? '').split(':').filter((d) => d !== '')) {
    if (await executable(join(dir, 'bwrap'))) return 'bwrap';
  }
  return 'unshare';
}

export interface RunInRootOptions extends SandboxSpec {
  readonly env: Environment;
  /** Default: detected from `env.PATH`. */
  readonly backend?: SandboxBackend;
  readonly signal?: AbortSignal;
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
}

/** Runs `options.argv` in the sandbox; the image's mount points are created first when missing. */
export async function runInRoot(options: RunInRootOptions): Promise<Result<ToolOutput, PackageFailure>> {
  const dirs = options.mode === 'chroot' ? ['proc', 'dev', 'sys', 'run', 'tmp'] : ['proc', 'dev', 'sys', 'run'];
  for (const dir of dirs) await mkdir(join(options.root, dir), { recursive: true });
  const backend = options.backend ?? await detectSandboxBackend(options.env);
  return runTool({
    argv: sandboxArgv(options, backend), env: options.env,
    ...(backend === 'bwrap' ? {} : { missingHint: 'install util-linux (unshare) or bubblewrap' }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
  });
}

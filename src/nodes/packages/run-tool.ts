// Runs one external tool with execa and an explicit environment (DESIGN.md §6): nothing of the caller's
// environment leaks in except the allow-listed variables the caller passes as a value (STYLE.md R4).
import { err, ok } from '../../errors/result.js';
import { missingProgramHint } from '../../host/host-packages.js';
import type { Result } from '../../errors/result.js';
import type { PackageFailure } from './package-failure.js';

/** Host variables a package manager may see: the search path and proxy settings. */
export const ALLOWED_HOST_VARIABLES = [
  'PATH', 'http_proxy', 'https_proxy', 'no_proxy', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY',
] as const;

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type Environment = Readonly<Record<string, string>>;

/** The allow-listed part of `host` (for example the CLI's process.env), with a fixed locale and PATH fallback. */
export function toolEnvironment(host: Readonly<Record<string, string | undefined>>): Environment {
  const env: Record<string, string> = { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', PATH: DEFAULT_PATH };
  for (const name of ALLOWED_HOST_VARIABLES) {
    const value = host[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  return env;
}

export interface RunToolOptions {
  readonly argv: readonly string[];
  /** The complete environment of the child; nothing is inherited. */
  readonly env: Environment;
  readonly cwd?: string;
  readonly signal?: AbortSignal;
  /** Streams output as it arrives (node logs). */
  readonly onOutput?: (stream: 'stdout' | 'stderr', chunk: string) => void;
  /** Hint shown when the tool is not installed; by default, the Debian package that ships it (host-packages.ts). */
  readonly missingHint?: string;
}

export interface ToolOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** The last `n` non-empty lines of `text`, indented for a message. */
export function outputTail(text: string, n = 15): string {
  return text.split('\n').filter((l) => l.trim() !== '').slice(-n).map((l) => `      ${l}`).join('\n');
}

/** Runs `argv`; a non-zero exit is a COMMAND_FAILED, an absent binary a TOOL_MISSING. */
export async function runTool(options: RunToolOptions): Promise<Result<ToolOutput, PackageFailure>> {
  const [file, ...args] = options.argv;
  if (file === undefined) throw new TypeError('runTool: empty argv');
  const { execa } = await import('execa');
  const child = execa(file, args, {
    env: options.env, extendEnv: false, reject: false, stdin: 'ignore', all: true,
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    ...(options.signal === undefined ? {} : { cancelSignal: options.signal }),
  });
  const onOutput = options.onOutput;
  if (onOutput !== undefined) {
    child.stdout?.on('data', (chunk: Buffer) => onOutput('stdout', chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => onOutput('stderr', chunk.toString()));
  }
  const r = await child;
  if (r.exitCode === 0) return ok({ stdout: r.stdout, stderr: r.stderr });
  const cause = (r as { cause?: unknown }).cause;
  if (r.exitCode === undefined && cause instanceof Error && (cause as NodeJS.ErrnoException).code === 'ENOENT') {
    return err({ code: 'TOOL_MISSING', tool: file, hint: options.missingHint ?? missingProgramHint(file) });
  }
  return err({
    code: 'COMMAND_FAILED', argv: options.argv, exitCode: r.exitCode ?? null, signal: r.signal ?? null,
    outputTail: outputTail(r.all ?? `${r.stdout}\n${r.stderr}`),
  });
}

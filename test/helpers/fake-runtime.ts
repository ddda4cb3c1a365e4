import type { EngineRuntime } from '../../src/cli/engine/runtime.js';

/** An engine runtime with captured output and no process state, for calling CLI actions directly. */
export function fakeRuntime(options: { signal?: AbortSignal; env?: Record<string, string> } = {}): EngineRuntime & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  let clock = 1_700_000_000_000;
  return {
    env: options.env ?? {},
    pid: 31337,
    host: 'test-host',
    uid: 1000,
    home: '/home/test',
    cpus: 2,
    now: () => clock++,
    random: Math.random,
    shuffle: Math.random,
    isAlive: () => false,
    sleep: async () => {},
    signal: options.signal ?? new AbortController().signal,
    out: (s) => { out += s; },
    err: (s) => { err += s; },
    isTTY: false,
    columns: 80,
    dispose: () => {},
    stdout: () => out,
    stderr: () => err,
  };
}

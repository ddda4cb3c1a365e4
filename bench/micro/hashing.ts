import { createHash, randomBytes } from 'node:crypto';
import xxhash from 'xxhash-wasm';
import type { MicroResult } from '../harness/types.js';

function throughput(bytes: number, ms: number): number {
  return bytes / (1024 * 1024) / (ms / 1000);
}

/**
 * Hashing throughput of the two digests mkb uses (SHA-256 names content, XXH64 is the local
 * stat-cache accelerator) on the same buffer, in MiB/s.
 */
export async function hashingBenchmarks(options: { quick: boolean }): Promise<MicroResult[]> {
  const buffer = randomBytes((options.quick ? 64 : 256) * 1024 * 1024);
  const { h64Raw } = await xxhash();
  const time = (fn: () => void): number => {
    fn();
    const start = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  const shaMs = time(() => createHash('sha256').update(buffer).digest());
  const xxMs = time(() => h64Raw(buffer));
  return [
    { id: 'hash-sha256', title: 'SHA-256 (node:crypto) throughput', value: throughput(buffer.length, shaMs), unit: 'MiB/s', reference: null, goal: null },
    {
      id: 'hash-xxh64', title: 'XXH64 (xxhash-wasm) throughput', value: throughput(buffer.length, xxMs), unit: 'MiB/s',
      reference: { label: 'SHA-256 on the same bytes', value: throughput(buffer.length, shaMs) }, goal: null,
    },
  ];
}

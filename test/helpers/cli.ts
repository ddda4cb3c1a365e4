import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { BuildEvent } from '../../src/report/events.js';

/** The compiled CLI; the integration project runs after `npm run build` (`npm test` does both). */
export const CLI = resolve(import.meta.dirname, '../../dist/bin/main.js');

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
}

export interface PlanNode {
  readonly id: string;
  readonly kind: 'fixture-tree' | 'fixture-merge';
  readonly params: Readonly<Record<string, unknown>>;
  readonly settings?: Readonly<Record<string, unknown>>;
}

export async function writePlan(dir: string, name: string, nodes: readonly PlanNode[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, JSON.stringify({ root: '.', nodes }));
  return path;
}

/** Starts `mkb build --plan-file … --reporter json` without waiting. */
export function startBuild(options: { plan: string; store: string; jobs?: number }) {
  return execa('node', [CLI, 'build', '--plan-file', options.plan, '--cache-dir', options.store, '--reporter', 'json', '-j', String(options.jobs ?? 2)], {
    reject: false,
  });
}

export function parseEvents(stdout: string): BuildEvent[] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as BuildEvent);
}

/** node id → output digest, from a build's events. */
export function outputDigests(events: readonly BuildEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events) if (e.type === 'node-done') out[e.node] = e.digest;
  return Object.fromEntries(Object.entries(out).sort());
}

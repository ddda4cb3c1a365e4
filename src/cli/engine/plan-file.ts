import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Failure } from '../../errors/failures.js';
import { err, ok } from '../../errors/result.js';
import type { Result } from '../../errors/result.js';
import type { NodeInput, PlanInput } from '../../graph/types.js';
import type { KindSet } from '../../nodes/kind-loaders.js';

/**
 * INTERNAL, for tests and bench/ until the config engine compiles real configs: a JSON plan of fixture
 * node kinds, `{ "root": ".", "nodes": [{ "id", "kind", "image"?, "settings"?, "params" }] }`, root
 * relative to the file. The envelope is checked by hand (five fields; zod would add ~90 ms of startup to
 * the no-op path this file exists to measure); params are validated by each kind's parseParams.
 */
export async function loadPlanFile(
  path: string, loadKinds: (names: readonly string[]) => Promise<KindSet>,
): Promise<Result<{ input: PlanInput; kinds: KindSet }, Failure>> {
  const file = resolve(path);
  const fail = (message: string) => err<Failure>({ code: 'PLAN_INVALID', file, message });
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as { nodes?: unknown }).nodes)) return fail('expected an object with a "nodes" list');
  const { root, nodes } = raw as { root?: unknown; nodes: unknown[] };
  if (root !== undefined && typeof root !== 'string') return fail('"root" must be a string');
  const names = nodes.flatMap((n) => (typeof n === 'object' && n !== null && typeof (n as { kind?: unknown }).kind === 'string' ? [(n as { kind: string }).kind] : []));
  const kinds = await loadKinds(names);
  const out: NodeInput[] = [];
  for (const [i, n] of nodes.entries()) {
    const at = `nodes[${i}]`;
    if (typeof n !== 'object' || n === null) return fail(`${at} must be an object`);
    const { id, kind, image, settings, params } = n as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') return fail(`${at}.id must be a non-empty string`);
    if (typeof kind !== 'string') return fail(`${at}.kind must be a string`);
    if (image !== undefined && typeof image !== 'string') return fail(`${at}.image must be a string`);
    if (settings !== undefined && (typeof settings !== 'object' || settings === null || Array.isArray(settings))) return fail(`${at}.settings must be an object`);
    const k = kinds.lookup(kind);
    const parsed = k === undefined ? ok(params) : k.parseParams(params);
    if (!parsed.ok) return fail(`${at}.${parsed.error}`);
    out.push({
      id,
      spec: { kind, image: image ?? 'main', settings: (settings ?? {}) as Record<string, unknown>, params: parsed.value },
      at: { file, line: i + 1 },
    });
  }
  return ok({ input: { root: resolve(dirname(file), root ?? '.'), nodes: out }, kinds });
}

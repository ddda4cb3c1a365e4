// The command-line edge of sync and clean scripts: who is calling, with which environment, and where the
// scripts' output goes (stderr, so `--reporter json` keeps stdout to itself).
import { runHostScripts } from '../../nodes/image/host-scripts.js';
import type { Settings } from '../../nodes/types.js';
import { renderFailure } from '../../errors/render.js';
import type { EngineRuntime } from '../engine/runtime.js';
import type { VerbContext } from '../verb-context.js';
import { VerbFailed } from '../report-error.js';

export async function runVerbScripts(o: { kind: 'sync' | 'clean'; ctx: VerbContext; runtime: EngineRuntime; images: readonly Settings[]; root: string }): Promise<void> {
  const host = Object.fromEntries(Object.entries(o.runtime.env).filter((e): e is [string, string] => e[1] !== undefined));
  const r = await runHostScripts({
    kind: o.kind, images: o.images, root: o.root, host, signal: o.runtime.signal,
    caller: { uid: o.runtime.uid, gid: process.getgid?.() ?? 0, debug: o.ctx.parsed.debug },
    onOutput: (_stream, chunk) => o.ctx.io.err(chunk),
    onStart: (image, scripts) => o.ctx.io.err(scripts.map((s) => `‣ [${image}] Running ${o.kind} script ${s}…\n`).join('')),
  });
  if (!r.ok) {
    throw new VerbFailed(renderFailure(r.error), o.kind === 'sync' ? 'nothing was built: fix the script, or take it out of SyncScripts=' : 'the outputs were removed; the remaining clean scripts did not run');
  }
}

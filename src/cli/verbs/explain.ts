// `mkb -C DIR explain [NODE]` on an mkosi configuration: the same plan `build` would run, and for each node
// why it would rebuild now, or why the last build that changed it rebuilt it.
import { renderFailure } from '../../errors/render.js';
import { explainAction } from '../commands/explain/action.js';
import { EXIT } from '../engine/exit.js';
import { processRuntime } from '../engine/runtime.js';
import { selectedDirectory } from '../load-options.js';
import type { VerbContext } from '../verb-context.js';
import { VerbFailed } from '../report-error.js';
import { planConfigBuild } from './config-plan.js';
import { loadForVerb } from './load.js';

export async function explainVerb(ctx: VerbContext): Promise<number> {
  if (ctx.parsed.args.length > 1) throw new VerbFailed(`explain takes at most one node id, got ${ctx.parsed.args.length}: ${ctx.parsed.args.join(' ')}`);
  const node = ctx.parsed.args[0];
  const loaded = await loadForVerb(ctx);
  const root = selectedDirectory(ctx.parsed, ctx.io) ?? ctx.io.cwd;
  const runtime = processRuntime();
  try {
    const plan = await planConfigBuild({ images: loaded.images, root, runtime });
    if (!plan.ok) {
      ctx.io.err(`${plan.error.map(renderFailure).join('\n')}\n`);
      return EXIT.usage;
    }
    return await explainAction({
      planInput: plan.value.planInput,
      ...(plan.value.cacheDirectory === undefined ? {} : { cacheDirectory: plan.value.cacheDirectory }),
      ...(node === undefined ? {} : { node }),
    }, runtime);
  } finally {
    runtime.dispose();
  }
}

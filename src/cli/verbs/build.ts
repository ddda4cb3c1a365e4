// `mkb build` on an mkosi configuration: load → compile to a plan → run it over the store → publish the
// main image's output into OutputDirectory. `--dry-run` prints each node's state and why.
import { access } from 'node:fs/promises';
import { renderFailure } from '../../errors/render.js';
import { CorruptBlobError } from '../../cache/corrupt-blob-error.js';
import { StoreLayout } from '../../cache/store-layout.js';
import { outputFileName } from '../../nodes/image/output/output-files.js';
import { findKeptTree, publishOutput, recordPath, retirePublishedTrees, surveyPublishedTrees } from '../../nodes/image/publish.js';
import type { PublishResult } from '../../nodes/image/publish.js';
import type { Settings } from '../../nodes/types.js';
import type { TreeSurvey } from '../../cache/update-tree.js';
import { VerbFailed } from '../report-error.js';
import { num, str } from '../../nodes/image/image-settings.js';
import { buildAction } from '../commands/build/action.js';
import type { BuildFlags } from '../engine/build-flags.js';
import { EXIT } from '../engine/exit.js';
import { processRuntime } from '../engine/runtime.js';
import { selectedDirectory } from '../load-options.js';
import type { VerbContext } from '../verb-context.js';
import { planConfigBuild } from './config-plan.js';
import { runVerbScripts } from './host-scripts.js';
import { loadForVerb } from './load.js';

/** Where an image publishes its output, and the name it publishes under. */
const publishedAs = (settings: Settings, root: string) => ({ outputDir: str(settings, 'OutputDirectory') ?? root, output: str(settings, 'Output') ?? 'image' });

/** mkosi 27.1 refuses `-R` before the main image was built once. */
async function checkBuiltOnce(main: Settings, root: string): Promise<void> {
  if (str(main, 'Format') === 'none') return;
  const { outputDir, output } = publishedAs(main, root);
  const built = await access(recordPath(outputDir, output)).then(() => true, () => false);
  if (!built) {
    throw new VerbFailed(`Image '${str(main, 'Image') ?? 'main'}' must be built once before --rerun-build-scripts can be used`, `build the image once with 'mkb build'`);
  }
}

/** A directory published before cannot be updated into an archive: it is kept aside (or removed) while the build runs. */
function retireReplacedTrees(o: { settings: Settings; root: string; tag: string; keep: string; isAlive: (pid: number) => boolean }): Promise<void> | undefined {
  const format = str(o.settings, 'Format');
  if (format === 'directory' || format === 'none') return undefined;
  return retirePublishedTrees({ ...publishedAs(o.settings, o.root), tag: o.tag, keep: o.keep, isAlive: o.isAlive });
}

/** Settings of the main image that mkb reads but does not act on yet: the build goes on, and says so. */
export function unappliedSettings(main: Settings): { message: string; hint: string }[] {
  const toolsTree = str(main, 'ToolsTree');
  return toolsTree === undefined ? [] : [{
    message: `ToolsTree=${toolsTree} is not used: mkb does not build or use tools trees yet, so this build runs the host's programs`,
    hint: '`npm run host-packages` installs them; mkosi 27.1 would run the tools tree\'s',
  }];
}

export async function buildVerb(ctx: VerbContext): Promise<number> {
  const flags: BuildFlags = ctx.buildFlags ?? { dryRun: false };
  const loaded = await loadForVerb(ctx);
  const root = selectedDirectory(ctx.parsed, ctx.io) ?? ctx.io.cwd;
  const main = loaded.images.at(-1);
  if (main === undefined) {
    ctx.io.err('mkb: nothing to build: the configuration defines no image\n');
    return EXIT.usage;
  }
  const runtime = processRuntime();
  let retiring: Promise<void> | undefined;
  let surveying: Promise<Map<string, TreeSurvey>> | undefined;
  try {
    // mkosi 27.1 refuses -R before it runs any script.
    if (ctx.parsed.rerunBuildScripts) await checkBuiltOnce(main, root);
    // Sync scripts update sources before anything is planned, on every build (never cached).
    if (!flags.dryRun) await runVerbScripts({ kind: 'sync', ctx, runtime, images: loaded.images, root });
    const plan = await planConfigBuild({
      images: loaded.images, root, runtime, buildArgs: ctx.parsed.args, rerunBuildScripts: ctx.parsed.rerunBuildScripts,
    });
    if (!plan.ok) {
      ctx.io.err(`${plan.error.map(renderFailure).join('\n')}\n`);
      return EXIT.usage;
    }
    const published = plan.value.plan.images.at(-1);
    const rerun = new Set(plan.value.plan.input.nodes.filter((n) => n.spec.kind === 'build-scripts').map((n) => n.id));
    if (ctx.parsed.rerunBuildScripts && rerun.size === 0) {
      ctx.io.err('mkb: no image has build scripts: nothing to rerun\n');
      return EXIT.ok;
    }
    // The image whose output this build publishes (a dry run and -R publish nothing).
    const publishing = flags.dryRun || ctx.parsed.rerunBuildScripts ? undefined : published;
    const keep = new StoreLayout(plan.value.storeRoot).kept;
    if (publishing !== undefined) retiring = retireReplacedTrees({ settings: publishing.settings, root, tag: `${runtime.pid}`, keep, isAlive: runtime.isAlive });
    // Marked handled now; awaited in afterBuild, or below when the build fails.
    retiring?.catch(() => undefined);
    // A directory published before is read for its update while the output it is updated to is committed.
    const survey = (node: string): void => {
      if (publishing === undefined || node !== publishing.output || str(publishing.settings, 'Format') !== 'directory') return;
      surveying = surveyPublishedTrees(publishedAs(publishing.settings, root));
      surveying.catch(() => undefined);
    };
    return await buildAction({
      planInput: plan.value.planInput,
      dryRun: flags.dryRun, failureMode: flags.failureMode ?? 'no-new',
      ...(plan.value.cacheDirectory === undefined ? {} : { cacheDirectory: plan.value.cacheDirectory }),
      ...(flags.reporter === undefined ? {} : { reporter: flags.reporter }),
      ...(flags.jobs === undefined ? {} : { jobs: flags.jobs }),
      ...(ctx.parsed.rerunBuildScripts ? { force: rerun } : {}),
      onNodeStart: survey,
      warnings: unappliedSettings(main),
      afterBuild: async ({ result, store }) => {
        if (ctx.parsed.rerunBuildScripts) {
          ctx.io.err(`reran the build scripts (${[...rerun].join(', ')}); the outputs are left as they are\n`);
          return true;
        }
        await retiring;
        if (published === undefined) return true;
        const node = result.nodes.get(published.output);
        if (node === undefined || !('digest' in node)) return false;
        if (str(published.settings, 'Format') === 'none') return true;
        const { outputDir, output } = publishedAs(published.settings, root);
        // A survey that failed only means the update reads the directory itself.
        const surveys = await surveying?.catch(() => undefined);
        const epoch = num(published.settings, 'SourceDateEpoch');
        const mode = num(published.settings, 'OutputMode');
        const kept = str(published.settings, 'Format') === 'directory' ? await findKeptTree(keep, outputDir, outputFileName(published.settings, 'directory')) : undefined;
        let r: PublishResult;
        try {
          r = await publishOutput({
            digest: node.digest, outputDir, output,
            copyTree: (digest, dest, skip) => store.exportTree(digest, dest, '.', skip), updateTree: (request) => store.updateTree(request),
            tag: `${runtime.pid}`, isAlive: runtime.isAlive,
            ...(epoch === undefined ? {} : { clampMtime: epoch }), ...(mode === undefined ? {} : { mode }),
            ...(surveys === undefined ? {} : { surveys }), ...(kept === undefined ? {} : { kept }),
          });
        } catch (error) {
          if (!(error instanceof CorruptBlobError)) throw error;
          // The store has dropped the entries that use this tree: the next build rebuilds them.
          ctx.io.err(`✗ cannot publish to ${outputDir}: the stored output is corrupt (${error.path}); nothing was published\n`
            + '  hint: run the build again; the corrupt entries were dropped and will be rebuilt\n');
          return false;
        }
        ctx.io.err(r.upToDate ? `outputs in ${outputDir} are up to date\n` : `published ${r.files.join(', ')} to ${outputDir}\n`);
        return true;
      },
    }, runtime);
  } finally {
    // A failed build still finishes removing what it started to remove.
    await retiring?.catch(() => undefined);
    await surveying?.catch(() => undefined);
    runtime.dispose();
  }
}

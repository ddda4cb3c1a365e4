// `mkb clean [-f|-ff]`: removes what each image published into its OutputDirectory (its publish record says
// what), the history file, and with -f the images' cached nodes; then runs the clean scripts, as mkosi 27.1
// does after removing outputs.
import { defaultStoreRoot } from '../../cache/store-root.js';
import { historyPath } from '../../config/load/history.js';
import { str } from '../../nodes/image/image-settings.js';
import { planImages } from '../../nodes/image/plan-images.js';
import { StoreLayout } from '../../cache/store-layout.js';
import { discardKeptTrees, publishedNames } from '../../nodes/image/publish.js';
import { readHostAptSources } from '../../nodes/packages/distro/host-apt-sources.js';
import { cleanAction } from '../commands/clean/action.js';
import { EXIT } from '../engine/exit.js';
import { processRuntime } from '../engine/runtime.js';
import { selectedDirectory } from '../load-options.js';
import type { VerbContext } from '../verb-context.js';
import { runVerbScripts } from './host-scripts.js';
import { kernelModuleInputs } from './kernel-module-inputs.js';
import { loadForVerb } from './load.js';

export async function cleanVerb(ctx: VerbContext): Promise<number> {
  const loaded = await loadForVerb(ctx);
  const root = selectedDirectory(ctx.parsed, ctx.io) ?? ctx.io.cwd;
  const main = loaded.images.at(-1);
  if (main === undefined) return EXIT.ok;
  const runtime = processRuntime();
  try {
    const cacheDirectory = str(main, 'CacheDirectory');
    const storeRoot = defaultStoreRoot({ cacheDirectory, uid: runtime.uid, home: runtime.home, xdgCacheHome: runtime.env['XDG_CACHE_HOME'] });
    // Node ids only: the plan is never run, so its clock and package cache do not matter.
    const plan = planImages({
      images: loaded.images, root, host: await readHostAptSources({ etcApt: '/etc/apt' }), now: 0, metadataTtlMs: 1, packageCache: '',
      kernelModules: await kernelModuleInputs(loaded.images, runtime.env),
    });
    const nodes = plan.ok ? { root: plan.value.input.root, ids: plan.value.input.nodes.filter((n) => n.spec.kind !== 'repo-metadata').map((n) => n.id) } : undefined;
    for (const image of loaded.images) {
      const outputDirectory = str(image, 'OutputDirectory') ?? root;
      const outputs = await publishedNames(outputDirectory, str(image, 'Output') ?? 'image');
      // A directory kept aside since the image became an archive is one of its outputs too.
      await discardKeptTrees(new StoreLayout(storeRoot).kept, outputDirectory);
      const buildDirectory = str(image, 'BuildDirectory');
      const code = await cleanAction({
        force: image === main ? ctx.parsed.force : 0, outputDirectory, outputs, cacheDir: storeRoot, ...(nodes === undefined ? {} : { nodes }),
        ...(image === main ? { historyFile: historyPath(root) } : {}),
        ...(buildDirectory === undefined ? {} : { buildDirectory }),
      }, runtime);
      if (code !== EXIT.ok) return code;
    }
    await runVerbScripts({ kind: 'clean', ctx, runtime, images: loaded.images, root });
    return EXIT.ok;
  } finally {
    runtime.dispose();
  }
}

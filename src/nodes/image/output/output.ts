// output: packs the finalized tree as Format= directory | tar | cpio | none, compresses it (CompressOutput=,
// CompressLevel=), adds the scripts' $OUTPUTDIR files, `<Output>.osrelease` (SplitArtifacts=os-release),
// SHA256SUMS (Checksum=), the manifests (ManifestFormat=json, changelog) and the `<Output>` symlink.
// The node's tree is exactly what gets published.
import { copyFile, mkdir, readdir, rename, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { err } from '../../../errors/result.js';
import type { NodeId } from '../../../errors/failures.js';
import { clampMtimes } from '../../finalize/clamp-mtimes.js';
import { writeCpio, writeTar } from '../../output/archive.js';
import { FrameTable } from '../../output/tar-frames.js';
import type { EarlierArchive } from '../../output/tar-frames.js';
import { parseJsonAs } from '../../../util/parse-json.js';
import type { NodeKind, RunContext, RunResult, Settings } from '../../types.js';
import { list, num, str } from '../image-settings.js';
import { BASE_ONLY, BUILD_ONLY, DISK_ONLY, FINALIZE_ONLY, HOST_LOCAL, RESOLUTION, RUNTIME, union } from '../irrelevant-settings.js';
import { objectParams } from '../node-support.js';
import { runScripts } from '../scripts.js';
import { SUPPORTED_FORMATS, compression, outputFileName, writeChecksums, writeManifest } from './output-files.js';
import type { OutputFormat } from './output-files.js';

export interface OutputParams {
  /** The finalize node. */
  readonly tree: NodeId;
  /** PostOutputScripts=, relative to the plan root (their digests enter the key). */
  readonly files?: readonly string[];
}

/** The manifest names the image and its version; nothing else the finalize stage reads reaches the output. */
const READ_HERE = new Set(['ImageId', 'ImageVersion']);

/** Finalize leaves out what the image has not got (no os-release, no packages): so does the output. */
async function copyIfPresent(source: string, dest: string): Promise<void> {
  await copyFile(source, dest).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
  });
}

/** The frames of the image's last zstd tar (tar-frames.ts), while the store still has that archive. */
async function earlierArchive(ctx: RunContext, memo: string): Promise<EarlierArchive | undefined> {
  const text = ctx.memo.recall(memo);
  const table = text === undefined ? undefined : parseJsonAs(FrameTable, text);
  const path = table === undefined ? undefined : await ctx.storedFile(table.archive);
  return table === undefined || path === undefined ? undefined : { table, path };
}

async function packArchive(options: { ctx: RunContext; image: string; format: 'tar' | 'cpio'; name: string; level: number; comp: ReturnType<typeof compression>; epoch: number | undefined }): Promise<void> {
  const { ctx, format } = options;
  const tree = ctx.deps[0];
  if (tree === undefined) throw new Error('output without a tree');
  const target = {
    dest: join(ctx.outDir, options.name), signal: ctx.signal,
    ...(options.comp === 'none' ? {} : { compress: { compression: options.comp, level: options.level } }),
  };
  if (format === 'tar') {
    const root = await ctx.readOnlyView(tree, 'root');
    if (options.comp !== 'zstd') {
      await writeTar({ root, ...target, ...(options.epoch === undefined ? {} : { mtime: options.epoch }) });
      return;
    }
    // The image's next tar is the one most like this one: its frames are remembered per image and name.
    const memo = `tar-frames:${options.image}:${options.name}:${options.level}`;
    const [entries, earlier] = await Promise.all([tree.entries('root'), earlierArchive(ctx, memo)]);
    const written = await writeTar({ root, ...target, ...(options.epoch === undefined ? {} : { mtime: options.epoch }), frames: { entries, earlier } });
    if (written === undefined) return;
    ctx.memo.remember(memo, JSON.stringify(written.table));
    if (written.reused > 0) ctx.output('stdout', `tar: ${written.reused} of ${written.total} zstd frames taken from the image's last archive\n`);
    return;
  }
  // cpio has no mtime clamp of its own: clamp a private copy.
  const copy = join(ctx.outDir, '.copy');
  await tree.exportSubtree('root', copy);
  if (options.epoch !== undefined) await clampMtimes(copy, options.epoch);
  await writeCpio({ root: copy, ...target });
  await rm(copy, { recursive: true, force: true });
}

export const outputKind: NodeKind<OutputParams> = {
  kind: 'output',
  version: 7,
  irrelevantSettings: union(RUNTIME, HOST_LOCAL, DISK_ONLY, RESOLUTION, BASE_ONLY, BUILD_ONLY, FINALIZE_ONLY.filter((n) => !READ_HERE.has(n)),
    // Where the output is published, not what it is.
    ['OutputDirectory', 'OutputMode']),
  env: [],
  reproducible: true,
  cacheable: true,
  weight: 1,
  parseParams: (raw) => objectParams<OutputParams>(raw, ['tree']),
  deps: (spec) => [spec.params.tree],
  inputFiles: (spec) => spec.params.files ?? [],
  tools: (spec) => {
    const format = str(spec.settings, 'Format');
    const comp = compression(spec.settings);
    return [...(list(spec.settings, 'PostOutputScripts').length > 0 ? ['bwrap'] : []),...(format === 'tar' ? ['tar'] : format === 'cpio' ? ['cpio'] : []),
      ...(format === 'tar' || format === 'cpio' ? [comp === 'gz' ? 'gzip' : comp === 'none' ? [] : comp].flat() : []),
      // A zstd tar is written chunk by chunk, by a script (tar-frames.ts).
      ...(format === 'tar' && comp === 'zstd' ? ['bash', 'tail', 'truncate'] : [])];
  },
  async run(spec, ctx) {
    const s = spec.settings;
    const format = (str(s, 'Format') ?? 'disk') as OutputFormat;
    if (!SUPPORTED_FORMATS.includes(format)) {
      return err({ code: 'NODE_FAILED', node: ctx.node, message: `Format=${format} is not supported by mkb yet (supported: ${SUPPORTED_FORMATS.join(', ')})`, hint: 'build this image with mkosi 27.1 for now' });
    }
    if (s['Sign'] === true) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'Sign= not supported by mkb yet' });
    if (format === 'none') return postOutput(spec.settings, ctx);
    const tree = ctx.deps[0];
    if (tree === undefined) return err({ code: 'NODE_FAILED', node: ctx.node, message: 'output needs its finalize dependency' });
    const output = str(s, 'Output') ?? 'image';
    const name = outputFileName(s, format);
    const epoch = num(s, 'SourceDateEpoch');
    // The directory is the finalized tree as stored (no bytes copied; publishing clamps its mtimes), or a
    // writable overlay of it when post-output scripts may change it.
    if (format === 'directory') {
      if (list(s, 'PostOutputScripts').length > 0) await ctx.writableTree(tree, { from: 'root', at: name });
      else await ctx.reuseTree(tree, { from: 'root', at: name });
    } else {
      await packArchive({ ctx, image: spec.image, format, name, level: num(s, 'CompressLevel') ?? 3, comp: compression(s), epoch });
    }
    // Only the small out/ and meta/ parts of the finalized tree: a directory output never needs the rest here.
    const side = join(ctx.outDir, '.finalized');
    await tree.exportSubtree('out', join(side, 'out'));
    for (const entry of await readdir(join(side, 'out'))) await rename(join(side, 'out', entry), join(ctx.outDir, entry));
    const manifests = list(s, 'ManifestFormat');
    const splitOsRelease = list(s, 'SplitArtifacts').includes('os-release');
    const meta = join(side, 'meta');
    if (splitOsRelease || manifests.length > 0) await tree.exportSubtree('meta', meta);
    if (splitOsRelease) await copyIfPresent(join(meta, 'os-release'), join(ctx.outDir, `${output}.osrelease`));
    // mkosi's order: the checksums cover the image and split artifacts, not the manifests or the symlink.
    if (s['Checksum'] === true) await writeChecksums(ctx.outDir, output);
    if (manifests.includes('json')) await writeManifest({ dir: ctx.outDir, settings: s, format, packagesJson: join(meta, 'packages.json') });
    if (manifests.includes('changelog')) await copyIfPresent(join(meta, 'changelog'), join(ctx.outDir, `${output}.changelog`));
    await rm(side, { recursive: true, force: true });
    if (name !== output) await symlink(name, join(ctx.outDir, output));
    await mkdir(ctx.outDir, { recursive: true });
    return postOutput(spec.settings, ctx);
  },
};

/** Post-output scripts see the finished outputs in $OUTPUTDIR; what they leave there is published too. */
async function postOutput(settings: Settings, ctx: RunContext): Promise<RunResult> {
  const scratch = `${ctx.outDir}.postoutput`;
  try {
    return await runScripts({
      stage: 'postoutput', scripts: list(settings, 'PostOutputScripts'), kind: outputKind, settings, node: ctx.node,
      outputDir: ctx.outDir, scratch, root: ctx.root, signal: ctx.signal, onOutput: ctx.output,
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

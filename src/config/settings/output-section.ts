import { OUTPUT_FORMATS, outputFormatFacts, type OutputFormat } from '../output-formats.js';
import { compression, type Compression } from '../values/compression.js';
import { ValueError } from '../values/kind.js';
import { dict, list } from '../values/lists.js';
import { accessMode, compressLevel, sectorSize } from '../values/numbers.js';
import { globPaths, parsePathValue, path } from '../values/paths.js';
import { bool, enumOf, feature, filename, size, str, uuid } from '../values/scalars.js';
import { DEFAULT_SPLIT_ARTIFACTS, splitArtifacts } from '../values/split-artifacts.js';
import { setting } from './define.js';
import type { DefaultContext, HostFacts } from './types.js';

const MANIFEST_FORMATS = ['json', 'changelog'] as const;

/**
 * `Output=`'s default: a subimage's (or tools/initrd image's) own name, else `ImageId`, else `image`;
 * `_<ImageVersion>` is appended when a version is set. The result is not checked as a file name.
 */
export function defaultOutput(ctx: DefaultContext): string {
  const imageId = ctx.get('ImageId');
  const base = ctx.image !== 'main' ? ctx.image : typeof imageId === 'string' && imageId !== '' ? imageId : 'image';
  const version = ctx.get('ImageVersion');
  return typeof version === 'string' && version !== '' ? `${base}_${version}` : base;
}

export function defaultOutputExtension(ctx: DefaultContext): string {
  return outputFormatFacts(ctx.get('Format')).extension;
}

export function defaultCompressOutput(ctx: DefaultContext): Compression {
  return outputFormatFacts(ctx.get('Format')).compression;
}

/** One random seed per host-facts object, i.e. per mkb process: every image that sets no Seed shares it (27.1). */
const PROCESS_SEEDS = new WeakMap<HostFacts, string>();

export function defaultSeed(ctx: DefaultContext): string {
  let seed = PROCESS_SEEDS.get(ctx.host);
  if (seed === undefined) {
    seed = ctx.host.randomUuid();
    PROCESS_SEEDS.set(ctx.host, seed);
  }
  return seed;
}

/** OCI labels/annotations: `K=V`, a bare `K` is `K=""`, and `=V` gives the empty key (27.1). */
export function ociEntry(word: string): readonly [string, string] {
  const eq = word.indexOf('=');
  return eq < 0 ? [word, ''] : [word.slice(0, eq), word.slice(eq + 1)];
}

export const OUTPUT_SETTINGS = [
  setting({
    name: 'Format', section: 'Output', scope: 'local', match: 'equal', specifier: 't',
    cli: { long: '--format', short: '-t', choices: [...OUTPUT_FORMATS, ''] },
    help: 'Output Format',
    kind: enumOf<OutputFormat>(OUTPUT_FORMATS, { empty: null, typeName: 'OutputFormat' }),
    default: { value: 'disk' },
  }),
  setting({
    name: 'ManifestFormat', section: 'Output', scope: 'local',
    cli: { long: '--manifest-format', metavar: 'FORMAT' },
    help: 'Manifest Format',
    kind: list<(typeof MANIFEST_FORMATS)[number]>({
      itemSchema: (z) => z.enum(MANIFEST_FORMATS),
      item: (raw) => {
        if (!(MANIFEST_FORMATS as readonly string[]).includes(raw)) {
          throw new ValueError(`'${raw}' is not a valid ManifestFormat`, 'expected json or changelog');
        }
        return raw as (typeof MANIFEST_FORMATS)[number];
      },
    }),
  }),
  setting({
    name: 'Output', section: 'Output', scope: 'local', specifier: 'o', tools: true,
    cli: { long: '--output', short: '-o', metavar: 'NAME' },
    help: 'Output name',
    kind: filename({
      hint: 'Output= or --output= requires a filename with no path components. '
        + 'Use OutputDirectory= or --output-directory= to configure the output directory.',
    }),
    default: { dependsOn: ['ImageId', 'ImageVersion'], compute: defaultOutput },
  }),
  setting({
    name: 'OutputExtension', section: 'Output', scope: 'local',
    cli: { long: '--output-extension', metavar: 'EXTENSION' },
    help: 'Output extension',
    kind: filename({ hint: 'OutputExtension= or --output-extension= requires a valid extension with no path components.' }),
    default: { dependsOn: ['Format'], compute: defaultOutputExtension },
  }),
  setting({
    name: 'OutputSize', section: 'Output', scope: 'local',
    cli: { long: '--output-size', metavar: 'SIZE' },
    help: 'Resize the output image to this size',
    kind: size({ empty: null }),
  }),
  setting({
    name: 'CompressOutput', section: 'Output', scope: 'local',
    cli: { long: '--compress-output', metavar: 'ALG' },
    help: 'Enable whole-output compression (with images or archives)',
    kind: compression(),
    default: { dependsOn: ['Format'], compute: defaultCompressOutput },
  }),
  setting({
    name: 'CompressLevel', section: 'Output', scope: 'inherit',
    cli: { long: '--compress-level', metavar: 'LEVEL' },
    help: 'Set the compression level to use',
    kind: compressLevel(),
    default: { value: 3 },
  }),
  setting({
    name: 'OutputDirectory', section: 'Output', scope: 'universal', specifier: 'O', tools: true,
    cli: { long: '--output-directory', short: '-O', metavar: 'DIR' }, paths: [{ path: 'mkosi.output' }],
    help: 'Output directory',
    kind: path({ required: false }),
  }),
  setting({
    name: 'OutputMode', section: 'Output', scope: 'universal',
    cli: { long: '--output-mode', metavar: 'MODE' },
    help: 'Set file system access mode for image',
    kind: accessMode(),
  }),
  setting({
    name: 'ImageVersion', section: 'Output', scope: 'inherit', match: 'version', specifier: 'v',
    cli: { long: '--image-version', metavar: 'IMAGE_VERSION' }, paths: [{ path: 'mkosi.version', use: 'contents' }],
    help: 'Set version for image',
    kind: str(),
  }),
  setting({
    name: 'ImageId', section: 'Output', scope: 'inherit', match: 'glob', specifier: 'i',
    cli: { long: '--image-id', metavar: 'IMAGE_ID' },
    help: 'Set ID for image',
    kind: str(),
  }),
  setting({
    name: 'OciLabels', section: 'Output', scope: 'local',
    cli: { long: '--oci-labels', metavar: 'KEY=VALUE' },
    help: 'Set OCI config labels (visible in podman/docker inspect)',
    kind: dict({ entry: ociEntry }),
  }),
  setting({
    name: 'OciAnnotations', section: 'Output', scope: 'local',
    cli: { long: '--oci-annotations', metavar: 'KEY=VALUE' },
    help: 'Set OCI manifest annotations',
    kind: dict({ entry: ociEntry }),
  }),
  setting({
    name: 'SplitArtifacts', section: 'Output', scope: 'local',
    cli: { long: '--split-artifacts', metavar: 'SPLIT_ARTIFACTS' },
    help: 'Split artifacts out of the final image',
    kind: splitArtifacts(),
    default: { value: [...DEFAULT_SPLIT_ARTIFACTS] },
  }),
  setting({
    name: 'RepartDirectories', section: 'Output', scope: 'local',
    cli: { long: '--repart-directory', metavar: 'PATH' }, paths: [{ path: 'mkosi.repart' }],
    help: 'Directory containing systemd-repart partition definitions',
    kind: list({ item: (raw, env) => parsePathValue(raw, env) }),
  }),
  setting({
    name: 'SectorSize', section: 'Output', scope: 'inherit',
    cli: { long: '--sector-size', metavar: 'SECTOR_SIZE' },
    help: 'Set the disk image sector size',
    kind: sectorSize(),
  }),
  setting({
    name: 'Overlay', section: 'Output', scope: 'local',
    cli: { long: '--overlay', metavar: 'BOOL' },
    help: 'Only output the additions on top of the given base trees',
    kind: bool(),
  }),
  setting({
    name: 'Seed', section: 'Output', scope: 'local',
    cli: { long: '--seed', metavar: 'UUID' }, paths: [{ path: 'mkosi.seed', use: 'contents' }],
    help: 'Set the seed for systemd-repart',
    kind: uuid({ allowRandom: true }),
    default: { dependsOn: [], compute: defaultSeed },
  }),
  setting({
    name: 'ElTorito', section: 'Output', scope: 'local',
    cli: { long: '--el-torito', metavar: 'FEATURE' },
    help: 'Whether to add a boot catalog to boot the ESP',
    kind: feature(),
  }),
  setting({
    name: 'ElToritoSystem', section: 'Output', scope: 'local',
    cli: { long: '--el-torito-system', metavar: 'STRING' },
    help: 'Set the system identifier in the ISO9660 descriptor',
    kind: str(),
  }),
  setting({
    name: 'ElToritoVolume', section: 'Output', scope: 'local',
    cli: { long: '--el-torito-volume', metavar: 'STRING' },
    help: 'Set the volume identifier in the ISO9660 descriptor',
    kind: str(),
  }),
  setting({
    name: 'ElToritoPublisher', section: 'Output', scope: 'local',
    cli: { long: '--el-torito-publisher', metavar: 'STRING' },
    help: 'Set the publisher identifier in the ISO9660 descriptor',
    kind: str(),
  }),
  setting({
    name: 'CleanScripts', section: 'Output', scope: 'local',
    cli: { long: '--clean-script', metavar: 'PATH' }, paths: [{ path: 'mkosi.clean' }, { path: 'mkosi.clean.d/*' }],
    help: 'Clean script to run after cleanup',
    kind: list({ item: (raw, env) => globPaths(raw, env) }),
  }),
] as const;

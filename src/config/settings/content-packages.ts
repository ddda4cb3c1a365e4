import { ValueError, type ValueKind } from '../values/kind.js';
import { comparePackages, list } from '../values/lists.js';
import { parsePythonInt } from '../values/numbers.js';
import { parsePathValue, parseTree, treeSchema, type Tree } from '../values/paths.js';
import { bool, feature } from '../values/scalars.js';
import { setting } from './define.js';
import type { DefaultContext } from './types.js';

/** Package lists are re-sorted after every assignment (names, then `/paths`, then `(conditionals)`). */
export const packageList = (): ValueKind<string[]> => list({ sort: comparePackages });

/** Existing directories (PackageDirectories=, VolatilePackageDirectories=). */
const directories = (): ValueKind<string[]> => list({ item: (raw, env) => parsePathValue(raw, env) });

/** `SRC[:DST]` trees with an absolute DST; `required: false` for trees that may be outputs of other images. */
const trees = (required: boolean): ValueKind<Tree[]> =>
  list<Tree>({ item: (raw, env) => parseTree(raw, env, { target: 'absolute', required }), itemSchema: treeSchema });

/** Parses a `SOURCE_DATE_EPOCH` value: a non-negative integer as Python's `int()` reads it. */
export function parseTimestamp(raw: string): number {
  const value = parsePythonInt(raw);
  if (value === undefined) throw new ValueError(`Timestamp '${raw}' is not a valid integer`, 'use seconds since the Unix epoch, e.g. 1700000000');
  if (value < 0) throw new ValueError(`Source date epoch timestamp cannot be negative (got ${raw.trim()})`);
  return value;
}

/** `SourceDateEpoch=`: seconds since the epoch; an empty assignment is null. */
export function timestamp(): ValueKind<number | null> {
  return {
    schema: (z) => z.number().int().nonnegative().nullable(), collection: false, empty: null, expects: 'a timestamp',
    parse: (raw) => (raw === '' ? null : parseTimestamp(raw)),
  };
}

/**
 * `SourceDateEpoch=`'s default: `$SOURCE_DATE_EPOCH` of mkb's own environment, when set and not empty.
 * 27.1 does not look at `Environment=` (the reference says it does), and a bad value is an error.
 */
export function defaultSourceDateEpoch(ctx: DefaultContext): number | null {
  const value = ctx.host.env['SOURCE_DATE_EPOCH'];
  if (value === undefined || value === '') return null;
  try {
    return parseTimestamp(value);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    throw new ValueError(error.message, 'set SOURCE_DATE_EPOCH to seconds since the Unix epoch, or unset it', { kind: 'environment', variable: 'SOURCE_DATE_EPOCH' });
  }
}

/** `[Content]`, first part (mkosi 27.1 table order): packages, trees, package removal, SourceDateEpoch. */
export const CONTENT_PACKAGE_SETTINGS = [
  setting({
    name: 'Packages', section: 'Content', scope: 'local', tools: true,
    cli: { long: '--package', short: '-p', metavar: 'PACKAGE' },
    help: 'Add an additional package to the OS image',
    kind: packageList(),
  }),
  setting({
    name: 'BuildPackages', section: 'Content', scope: 'local',
    cli: { long: '--build-package', metavar: 'PACKAGE' },
    help: 'Additional packages needed for build scripts',
    kind: packageList(),
  }),
  setting({
    name: 'VolatilePackages', section: 'Content', scope: 'local',
    cli: { long: '--volatile-package', metavar: 'PACKAGE' },
    help: 'Packages to install after executing build scripts',
    kind: packageList(),
  }),
  setting({
    name: 'PackageDirectories', section: 'Content', scope: 'universal', tools: true,
    cli: { long: '--package-directory', metavar: 'PATH' }, paths: [{ path: 'mkosi.packages' }],
    help: 'Specify a directory containing extra packages',
    kind: directories(),
  }),
  setting({
    name: 'VolatilePackageDirectories', section: 'Content', scope: 'universal',
    cli: { long: '--volatile-package-directory', metavar: 'PATH' },
    help: 'Specify a directory containing extra volatile packages',
    kind: directories(),
  }),
  setting({
    name: 'WithRecommends', section: 'Content', scope: 'local',
    cli: { long: '--with-recommends', metavar: 'BOOL' },
    help: 'Install recommended packages',
    kind: bool(),
  }),
  setting({
    name: 'WithDocs', section: 'Content', scope: 'local',
    cli: { long: '--with-docs', metavar: 'BOOL' },
    help: 'Install documentation',
    kind: bool(), default: { value: true },
  }),
  setting({
    name: 'BaseTrees', section: 'Content', scope: 'local',
    cli: { long: '--base-tree', metavar: 'PATH' },
    help: 'Use the given tree as base tree (e.g. lower sysext layer)',
    // Checked just before the build: a base tree may be the output of an earlier image (BaseTrees=%O/base).
    kind: list({ item: (raw, env) => parsePathValue(raw, env, { required: false }) }),
  }),
  setting({
    name: 'SkeletonTrees', section: 'Content', scope: 'local',
    cli: { long: '--skeleton-tree', metavar: 'PATH' },
    paths: [{ path: 'mkosi.skeleton' }, { path: 'mkosi.skeleton.tar' }],
    help: 'Use a skeleton tree to bootstrap the image before installing anything',
    kind: trees(true),
  }),
  setting({
    name: 'ExtraTrees', section: 'Content', scope: 'local',
    cli: { long: '--extra-tree', metavar: 'PATH' },
    paths: [{ path: 'mkosi.extra' }, { path: 'mkosi.extra.tar' }],
    help: 'Copy an extra tree on top of image',
    // The source may be the output of an earlier image; it is checked just before the build.
    kind: trees(false),
  }),
  setting({
    name: 'RemovePackages', section: 'Content', scope: 'local',
    cli: { long: '--remove-package', metavar: 'PACKAGE' },
    help: 'Remove package from the image OS image after installation',
    kind: list(),
  }),
  setting({
    name: 'RemoveFiles', section: 'Content', scope: 'local',
    cli: { long: '--remove-files', metavar: 'GLOB' },
    help: 'Remove files from built image',
    kind: list(),
  }),
  setting({
    name: 'CleanPackageMetadata', section: 'Content', scope: 'local',
    cli: { long: '--clean-package-metadata', metavar: 'FEATURE' },
    help: 'Remove package manager database and other files',
    kind: feature(),
  }),
  setting({
    name: 'SourceDateEpoch', section: 'Content', scope: 'multiversal',
    cli: { long: '--source-date-epoch', metavar: 'TIMESTAMP' },
    help: 'Set the $SOURCE_DATE_EPOCH timestamp',
    kind: timestamp(),
    // `SourceDateEpoch=` (file or CLI) is null even when $SOURCE_DATE_EPOCH is set.
    emptyIsNull: true,
    default: { dependsOn: [], compute: defaultSourceDateEpoch },
  }),
] as const;

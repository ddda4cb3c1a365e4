import { ValueError, type ParseEnv, type ValueKind } from '../values/kind.js';
import { dict, environmentEntry, list } from '../values/lists.js';
import { integer } from '../values/integers.js';
import { expandPath, parsePathValue, parseTree, path, purePath, treeSchema, type Tree } from '../values/paths.js';
import { bool, enumOf, feature, str } from '../values/scalars.js';
import { BUILD_TOOLS_SETTINGS } from './build-tools.js';
import { BUILD_PROXY_SETTINGS } from './build-proxy.js';
import { setting } from './define.js';

/** `ExtraSearchPaths=` items: existing paths, never below `/usr` as written (27.1 checks before resolving symlinks). */
function extraSearchPath(raw: string, env: ParseEnv): string {
  const written = purePath(expandPath(raw, env));
  if (written === '/usr' || written.startsWith('/usr/')) {
    throw new ValueError(`${written} can not be relative to /usr`, 'tools below /usr come from the tools tree; add a directory outside /usr');
  }
  return parsePathValue(raw, env);
}

const trees = (target: 'absolute' | 'any'): ValueKind<Tree[]> =>
  list<Tree>({ item: (raw, env) => parseTree(raw, env, { target }), itemSchema: treeSchema });

/** `[Build]` (mkosi 27.1 table order): the tools tree settings, caches, sources, scripts' environment, proxy. */
export const BUILD_SETTINGS = [
  ...BUILD_TOOLS_SETTINGS,
  setting({
    name: 'ExtraSearchPaths', section: 'Build', scope: 'universal',
    cli: { long: '--extra-search-path', metavar: 'PATH' },
    help: 'List of paths to look for programs before looking in PATH',
    kind: list({ item: extraSearchPath }),
  }),
  setting({
    name: 'Incremental', section: 'Build', scope: 'universal',
    cli: { long: '--incremental', short: '-i', shortConst: 'yes', choices: ['yes', 'no', 'strict'] },
    help: 'Make use of and generate intermediary cache images',
    kind: enumOf(['yes', 'no', 'strict'], { empty: 'no', yes: 'yes', no: 'no', typeName: 'Incremental' }),
    default: { value: 'no' },
  }),
  setting({
    name: 'CacheOnly', section: 'Build', scope: 'inherit',
    cli: { long: '--cache-only', choices: ['always', 'auto', 'auto', 'metadata', 'never', ''] },
    help: 'Only use the package cache when installing packages',
    kind: enumOf(['always', 'auto', 'metadata', 'never'], { empty: 'auto', yes: 'always', no: 'auto', typeName: 'Cacheonly' }),
    default: { value: 'auto' },
  }),
  setting({
    name: 'SandboxTrees', section: 'Build', scope: 'universal', tools: true,
    cli: { long: '--sandbox-tree', metavar: 'PATH' }, compatNames: ['PackageManagerTrees'],
    paths: [{ path: 'mkosi.sandbox' }, { path: 'mkosi.sandbox.tar' }, { path: 'mkosi.pkgmngr' }, { path: 'mkosi.pkgmngr.tar' }],
    help: 'Use a sandbox tree to configure the various tools that mkosi executes',
    kind: trees('absolute'),
  }),
  setting({
    name: 'WorkspaceDirectory', section: 'Build', scope: 'multiversal',
    cli: { long: '--workspace-directory', metavar: 'DIR' },
    help: 'Workspace directory',
    kind: path({ required: false }),
  }),
  setting({
    name: 'CacheDirectory', section: 'Build', scope: 'universal',
    cli: { long: '--cache-directory', metavar: 'PATH' }, paths: [{ path: 'mkosi.cache' }],
    help: 'Incremental cache directory',
    kind: path({ required: false }),
  }),
  setting({
    name: 'CacheKey', section: 'Build', scope: 'inherit',
    cli: { long: '--cache-key', metavar: 'KEY' },
    help: 'Cache key to use within cache directory',
    // Delayed `&` specifiers (&d &r &a &i &v &I) stay verbatim here; the loader expands them after parsing.
    kind: str(), default: { value: '&d~&r~&a~&I' },
  }),
  setting({
    name: 'PackageCacheDirectory', section: 'Build', scope: 'multiversal',
    cli: { long: '--package-cache-directory', metavar: 'PATH' }, paths: [{ path: 'mkosi.pkgcache' }],
    help: 'Package cache directory',
    kind: path({ required: false }),
  }),
  setting({
    name: 'BuildDirectory', section: 'Build', scope: 'universal',
    cli: { long: '--build-directory', metavar: 'PATH' }, paths: [{ path: 'mkosi.builddir' }],
    help: 'Path to use as persistent build directory',
    kind: path({ required: false }),
  }),
  setting({
    name: 'BuildKey', section: 'Build', scope: 'inherit',
    cli: { long: '--build-key', metavar: 'KEY' },
    help: 'Build key to use within build directory',
    // Same delayed specifiers as CacheKey; a literal `-` means no subdirectory.
    kind: str(), default: { value: '&d~&r~&a' },
  }),
  setting({
    name: 'UseSubvolumes', section: 'Build', scope: 'universal',
    cli: { long: '--use-subvolumes', metavar: 'FEATURE' },
    help: 'Use btrfs subvolumes for faster directory operations where possible',
    kind: feature(),
  }),
  setting({
    name: 'RepartOffline', section: 'Build', scope: 'universal',
    cli: { long: '--repart-offline', metavar: 'REPART_OFFLINE' },
    help: 'Build disk images without using loopback devices',
    kind: bool(), default: { value: true },
  }),
  setting({
    name: 'History', section: 'Build', scope: 'main',
    cli: { long: '--history', metavar: 'BOOL' },
    help: 'Whether mkosi can store information about previous builds',
    kind: bool(),
  }),
  setting({
    name: 'BuildSources', section: 'Build', scope: 'multiversal', match: 'build-sources',
    cli: { long: '--build-sources', metavar: 'PATH' },
    help: 'Path for sources to build',
    // Targets may be relative (under /work/src) or absolute, and are kept as written (normalized).
    kind: trees('any'),
    default: {
      dependsOn: [],
      compute: (ctx) => (ctx.host.directory === null ? [] : [{ Source: ctx.host.directory, Target: null }]),
    },
  }),
  setting({
    name: 'BuildSourcesEphemeral', section: 'Build', scope: 'multiversal',
    cli: { long: '--build-sources-ephemeral', choices: ['yes', 'no', 'buildcache'] },
    help: 'Make build sources ephemeral when running scripts',
    kind: enumOf(['yes', 'no', 'buildcache'], { empty: 'no', yes: 'yes', no: 'no', typeName: 'BuildSourcesEphemeral' }),
    default: { value: 'no' },
  }),
  setting({
    name: 'Environment', section: 'Build', scope: 'local', match: 'environment', tools: true,
    cli: { long: '--environment', short: '-E', metavar: 'NAME[=VALUE]' },
    help: 'Set an environment variable when running scripts',
    kind: dict({ entry: environmentEntry }),
  }),
  setting({
    name: 'EnvironmentFiles', section: 'Build', scope: 'local', tools: true,
    cli: { long: '--env-file', metavar: 'PATH' }, paths: [{ path: 'mkosi.env' }],
    help: 'Environment files to set when running scripts',
    kind: list({ item: (raw, env) => parsePathValue(raw, env) }),
  }),
  setting({
    name: 'WithTests', section: 'Build', scope: 'universal',
    cli: { long: '--with-tests', short: '-T', shortConst: 'no', metavar: 'WITH_TESTS' },
    help: 'Do not run tests as part of build scripts, if supported',
    kind: bool(), default: { value: true },
  }),
  setting({
    name: 'WithNetwork', section: 'Build', scope: 'universal',
    cli: { long: '--with-network', metavar: 'BOOL' },
    help: 'Run build and postinst scripts with network access (instead of private network)',
    kind: bool(),
  }),
  ...BUILD_PROXY_SETTINGS,
  setting({
    name: 'MakeScriptsExecutable', section: 'Build', scope: 'multiversal',
    cli: { long: '--make-scripts-executable', metavar: 'BOOL' },
    help: 'Whether mkosi will try to make build/postinst/finalize scripts executable if they are not',
    kind: bool(),
  }),
  setting({
    name: 'ForeignUIDRange', section: 'Build', scope: 'main',
    cli: { long: '--foreign-uid-range', metavar: 'FOREIGN_UID_RANGE' },
    help: 'Use the foreign UID range',
    kind: bool(),
  }),
  setting({
    name: 'DelegateRanges', section: 'Build', scope: 'main',
    cli: { long: '--delegate-ranges', metavar: 'DELEGATE_RANGES' },
    help: 'Delegate this number of UID ranges in the foreign UID range',
    // 27.1 refuses an empty assignment ('' is not a valid integer) and any integer, even negative, is kept.
    kind: integer({ empty: 'refused', invalid: (raw) => `'${raw}' is not a valid integer` }),
    default: { dependsOn: [], compute: (ctx) => (ctx.host.uid === 0 ? 0 : 3) },
  }),
] as const;

import { DISTRIBUTIONS, distributionFacts } from '../distributions.js';
import { list } from '../values/lists.js';
import { parsePathValue, parseTree, treeSchema } from '../values/paths.js';
import { bool, enumOf, str } from '../values/scalars.js';
import { toolsTree } from '../values/tools-tree.js';
import { setting } from './define.js';
import type { DefaultContext } from './types.js';

/** Profiles of the builtin tools tree config enabled when `ToolsTreeProfiles=` is not set. */
export const DEFAULT_TOOLS_TREE_PROFILES = ['misc', 'package-manager', 'runtime'];

/** ToolsTreeX defaults to the image's X only when the tools tree and the image use the same distribution. */
function sameDistributionValue(name: string) {
  return (ctx: DefaultContext): string | null => {
    if (ctx.get('ToolsTreeDistribution') !== ctx.get('Distribution')) return null;
    const value = ctx.get(name);
    return typeof value === 'string' ? value : null;
  };
}

/**
 * `[Build]` settings of the tools tree. Scope 'tools' settings configure the default tools tree
 * (`ToolsTree=yes`): they never appear in an image's JSON (`jsonKey: null`), the loader feeds their
 * value to `toolsTarget` in the tools tree's config, keeping its origin (CLI, config, default).
 */
export const BUILD_TOOLS_SETTINGS = [
  setting({
    name: 'ToolsTree', section: 'Build', scope: 'universal',
    cli: { long: '--tools-tree', metavar: 'PATH' }, paths: [{ path: 'mkosi.tools' }],
    help: 'Look up programs to execute inside the given tree',
    kind: toolsTree(),
  }),
  setting({
    name: 'ToolsTreeDistribution', section: 'Build', scope: 'tools', jsonKey: null, toolsTarget: 'Distribution',
    match: 'equal',
    cli: { long: '--tools-tree-distribution', choices: [...DISTRIBUTIONS, ''] },
    help: 'Set the distribution to use for the default tools tree',
    kind: enumOf(DISTRIBUTIONS, { empty: null, typeName: 'Distribution' }),
    // The host's distribution (not the image's): Ubuntu hosts get Debian, RHEL-likes Fedora.
    default: { dependsOn: [], compute: (ctx) => distributionFacts(ctx.host.distribution).toolsTreeDistribution },
  }),
  setting({
    name: 'ToolsTreeRelease', section: 'Build', scope: 'tools', jsonKey: null, toolsTarget: 'Release',
    match: 'equal',
    cli: { long: '--tools-tree-release', metavar: 'RELEASE' },
    help: 'Set the release to use for the default tools tree',
    kind: str(),
    // mkosi's hardcoded release for the distribution, never the host's (Debian → testing; custom → '').
    default: { dependsOn: ['ToolsTreeDistribution'], compute: (ctx) => distributionFacts(ctx.get('ToolsTreeDistribution')).defaultRelease },
  }),
  setting({
    name: 'ToolsTreeProfiles', section: 'Build', scope: 'tools', jsonKey: null, toolsTarget: 'Profiles',
    cli: { long: '--tools-tree-profile', metavar: 'PROFILE' },
    help: 'Which profiles to enable for the default tools tree',
    kind: list(), default: { value: DEFAULT_TOOLS_TREE_PROFILES },
  }),
  setting({
    name: 'ToolsTreeMirror', section: 'Build', scope: 'tools', jsonKey: null, toolsTarget: 'Mirror', emptyIsNull: true,
    cli: { long: '--tools-tree-mirror', metavar: 'MIRROR' },
    help: 'Set the mirror to use for the default tools tree',
    kind: str(),
    default: { dependsOn: ['Distribution', 'ToolsTreeDistribution', 'Mirror'], compute: sameDistributionValue('Mirror') },
  }),
  setting({
    name: 'ToolsTreeSnapshot', section: 'Build', scope: 'tools', jsonKey: null, toolsTarget: 'Snapshot', emptyIsNull: true,
    cli: { long: '--tools-tree-snapshot', metavar: 'SNAPSHOT' },
    help: 'Set the distribution snapshot to use for the default tools tree',
    kind: str(),
    default: { dependsOn: ['Distribution', 'ToolsTreeDistribution', 'Snapshot'], compute: sameDistributionValue('Snapshot') },
  }),
  setting({
    name: 'ToolsTreeRepositories', section: 'Build', scope: 'tools', jsonKey: null, toolsTarget: 'Repositories',
    cli: { long: '--tools-tree-repository', metavar: 'REPOS' },
    help: 'Repositories to use for the default tools tree',
    kind: list(),
  }),
  setting({
    name: 'ToolsTreeSandboxTrees', section: 'Build', scope: 'tools', jsonKey: null, toolsTarget: 'SandboxTrees',
    cli: { long: '--tools-tree-sandbox-tree', metavar: 'PATH' }, compatNames: ['ToolsTreePackageManagerTrees'],
    help: 'Sandbox trees for the default tools tree',
    kind: list({ item: (raw, env) => parseTree(raw, env, { target: 'absolute' }), itemSchema: treeSchema }),
  }),
  setting({
    name: 'ToolsTreePackages', section: 'Build', scope: 'tools', jsonKey: null, toolsTarget: 'Packages',
    cli: { long: '--tools-tree-package', metavar: 'PACKAGE' },
    help: 'Add additional packages to the default tools tree',
    kind: list(),
  }),
  setting({
    name: 'ToolsTreePackageDirectories', section: 'Build', scope: 'tools', jsonKey: null, toolsTarget: 'PackageDirectories',
    cli: { long: '--tools-tree-package-directory', metavar: 'PATH' },
    help: 'Specify a directory containing extra tools tree packages',
    kind: list({ item: (raw, env) => parsePathValue(raw, env) }),
  }),
  setting({
    name: 'ToolsTreeCertificates', section: 'Build', scope: 'universal',
    cli: { long: '--tools-tree-certificates', metavar: 'BOOL' },
    help: 'Use certificates from the tools tree',
    kind: bool(), default: { value: true },
  }),
] as const;

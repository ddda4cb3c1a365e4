import {
  ARCHITECTURES, DISTRIBUTIONS, distributionFacts, distributionOfOsRelease, isDistribution, type Architecture,
  type Distribution,
} from '../distributions.js';
import { list } from '../values/lists.js';
import { bool, enumOf, str } from '../values/scalars.js';
import { setting } from './define.js';
import type { DefaultContext } from './types.js';

/**
 * `Release=`'s default: the host's release when building for the host's distribution (and the host has
 * one), else the distribution's default release (`rawhide`, `testing`, `10`, …; `""` for custom).
 */
export function defaultRelease(ctx: DefaultContext): string {
  const distribution = ctx.get('Distribution');
  if (distribution === ctx.host.distribution && ctx.host.release) return ctx.host.release;
  return distributionFacts(distribution).defaultRelease;
}

/**
 * `RepositoryKeyFetch=`'s default (27.1): true when the tools (the default tools tree, the `ToolsTree=`
 * directory, or else the host) are Ubuntu and the target uses dnf/zypper, pacman or apk; also true
 * when the tools tree or host is NixOS. Known gap: 27.1 treats an explicit `ToolsTree=no` like a tree
 * without os-release (false), which the JSON value (null, as when unset) cannot tell apart.
 */
export function defaultRepositoryKeyFetch(ctx: DefaultContext): boolean {
  const target = distributionFacts(ctx.get('Distribution')).packageManager;
  const fetchable = target === 'rpm' || target === 'pacman' || target === 'apk';
  const toolsTree = ctx.get('ToolsTree');
  if (toolsTree === 'default' || toolsTree === 'yes') {
    const configured = ctx.get('ToolsTreeDistribution');
    const tools = typeof configured === 'string' ? configured : distributionFacts(ctx.host.distribution).toolsTreeDistribution;
    return tools === 'ubuntu' && fetchable;
  }
  const root = typeof toolsTree === 'string' && toolsTree !== '' ? toolsTree : '/';
  const osRelease = ctx.host.osRelease?.(root) ?? (root === '/' ? { ID: ctx.host.distribution } : {});
  if (osRelease['ID'] === 'nixos') return true;
  return distributionOfOsRelease(osRelease) === 'ubuntu' && fetchable;
}

export const DISTRIBUTION_SETTINGS = [
  setting({
    name: 'Distribution', section: 'Distribution', scope: 'universal', match: 'equal', specifier: 'd',
    cli: { long: '--distribution', short: '-d', choices: [...DISTRIBUTIONS, ''] },
    help: 'Distribution to install',
    kind: enumOf<Distribution>(DISTRIBUTIONS, { empty: null, typeName: 'Distribution' }),
    default: { dependsOn: [], compute: (ctx) => (isDistribution(ctx.host.distribution) ? ctx.host.distribution : 'custom') },
  }),
  setting({
    name: 'Release', section: 'Distribution', scope: 'universal', match: 'equal', specifier: 'r',
    cli: { long: '--release', short: '-r', metavar: 'RELEASE' },
    help: 'Distribution release to install',
    kind: str(),
    default: { dependsOn: ['Distribution'], compute: defaultRelease },
  }),
  setting({
    name: 'Architecture', section: 'Distribution', scope: 'universal', match: 'architecture', specifier: 'a',
    cli: { long: '--architecture', choices: [...ARCHITECTURES, ''] },
    help: 'Override the architecture of installation',
    kind: enumOf(ARCHITECTURES, { empty: null, typeName: 'Architecture' }),
    default: { dependsOn: [], compute: (ctx) => ctx.host.architecture as Architecture },
  }),
  setting({
    name: 'Mirror', section: 'Distribution', scope: 'universal',
    cli: { long: '--mirror', short: '-m', metavar: 'MIRROR' },
    help: 'Distribution mirror to use',
    kind: str(),
  }),
  setting({
    name: 'Snapshot', section: 'Distribution', scope: 'universal', tools: true,
    cli: { long: '--snapshot', metavar: 'SNAPSHOT' }, paths: [{ path: 'mkosi.snapshot', use: 'contents' }],
    help: 'Distribution snapshot to use',
    kind: str(),
  }),
  setting({
    name: 'LocalMirror', section: 'Distribution', scope: 'universal', tools: true,
    cli: { long: '--local-mirror', metavar: 'LOCAL_MIRROR' },
    help: 'Use a single local, flat and plain mirror to build the image',
    kind: str(),
  }),
  setting({
    name: 'RepositoryKeyCheck', section: 'Distribution', scope: 'multiversal',
    cli: { long: '--repository-key-check', metavar: 'BOOL' },
    help: 'Controls signature and key checks on repositories',
    kind: bool(),
    default: { value: true },
  }),
  setting({
    name: 'RepositoryKeyFetch', section: 'Distribution', scope: 'universal', tools: true,
    cli: { long: '--repository-key-fetch', metavar: 'BOOL' },
    help: 'Controls whether distribution GPG keys can be fetched remotely',
    kind: bool(),
    default: { dependsOn: ['Distribution', 'ToolsTree', 'ToolsTreeDistribution'], compute: defaultRepositoryKeyFetch },
  }),
  setting({
    name: 'Repositories', section: 'Distribution', scope: 'universal', match: 'member', tools: true,
    cli: { long: '--repositories', metavar: 'REPOS' },
    help: 'Repositories to use',
    kind: list(),
  }),
] as const;

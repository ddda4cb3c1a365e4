import type { ValueKind } from '../values/kind.js';
import { list } from '../values/lists.js';
import { globPaths } from '../values/paths.js';
import { setting } from './define.js';
import type { DefaultPath } from './types.js';

/**
 * Script lists: each item is a glob (Python `glob` rules, matches sorted); a pattern or plain path that
 * matches nothing adds nothing. `~` and `$VAR` are not expanded. Duplicates are kept.
 */
const scripts = (): ValueKind<string[]> => list({ item: (raw, env) => globPaths(raw, env) });

/** `mkosi.NAME`, optionally `mkosi.NAME.chroot`, then every entry of `mkosi.NAME.d/` (dotfiles included, sorted). */
function scriptPaths(name: string, chroot: boolean): readonly DefaultPath[] {
  return [
    { path: `mkosi.${name}` },
    ...(chroot ? [{ path: `mkosi.${name}.chroot` }] : []),
    { path: `mkosi.${name}.d/*` },
  ];
}

/** `[Content]` scripts (mkosi 27.1 table order). */
export const CONTENT_SCRIPT_SETTINGS = [
  setting({
    name: 'SyncScripts', section: 'Content', scope: 'local', tools: true,
    cli: { long: '--sync-script', metavar: 'PATH' }, paths: scriptPaths('sync', false),
    help: 'Sync script to run before starting the build',
    kind: scripts(),
  }),
  setting({
    name: 'PrepareScripts', section: 'Content', scope: 'local', tools: true,
    cli: { long: '--prepare-script', metavar: 'PATH' }, paths: scriptPaths('prepare', true), compatNames: ['PrepareScript'],
    help: 'Prepare script to run inside the image before it is cached',
    kind: scripts(),
  }),
  setting({
    name: 'BuildScripts', section: 'Content', scope: 'local',
    cli: { long: '--build-script', metavar: 'PATH' }, paths: scriptPaths('build', true), compatNames: ['BuildScript'],
    help: 'Build script to run inside image',
    kind: scripts(),
  }),
  setting({
    name: 'PostInstallationScripts', section: 'Content', scope: 'local',
    cli: { long: '--postinst-script', metavar: 'PATH' }, paths: scriptPaths('postinst', true),
    compatNames: ['PostInstallationScript'],
    help: 'Postinstall script to run inside image',
    kind: scripts(),
  }),
  setting({
    name: 'FinalizeScripts', section: 'Content', scope: 'local',
    cli: { long: '--finalize-script', metavar: 'PATH' }, paths: scriptPaths('finalize', true), compatNames: ['FinalizeScript'],
    help: 'Postinstall script to run outside image',
    kind: scripts(),
  }),
  setting({
    name: 'PostOutputScripts', section: 'Content', scope: 'local',
    cli: { long: '--postoutput-script', metavar: 'PATH' }, paths: scriptPaths('postoutput', false),
    help: 'Output postprocessing script to run outside image',
    kind: scripts(),
  }),
] as const;

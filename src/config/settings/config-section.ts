import { ValueError } from '../values/kind.js';
import { list } from '../values/lists.js';
import { globPaths, parsePathValue } from '../values/paths.js';
import { compareVersions } from '../version-compare.js';
import { MKB_MKOSI_COMPAT_VERSION } from '../compat-version.js';
import { setting } from './define.js';

/** Builtin include names (mkb ships its own configs under these names). */
export const BUILTIN_INCLUDES = ['mkosi-tools', 'mkosi-initrd', 'mkosi-vm', 'mkosi-addon', 'mkosi-obs'] as const;

export const INCLUDE_SETTINGS = [
  setting({
    name: 'Include', section: 'Include', scope: 'local', jsonKey: null, tools: true,
    cli: { long: '--include', short: '-I' },
    help: 'Include configuration from the specified file or directory',
    kind: list({
      reset: false,
      item: (raw, env) => ((BUILTIN_INCLUDES as readonly string[]).includes(raw) ? raw : parsePathValue(raw, env)),
    }),
  }),
] as const;

const PROFILE_NAME = /^[^/]+$/;

export const CONFIG_SETTINGS = [
  setting({
    name: 'Profiles', section: 'Config', scope: 'inherit', match: 'profiles', tools: true,
    cli: { long: '--profile' }, compatNames: ['Profile'],
    help: 'Build the specified profiles',
    kind: list({
      item: (raw) => {
        if (!PROFILE_NAME.test(raw) || raw === '.' || raw === '..') throw new ValueError(`'${raw}' is not a valid profile name`);
        return raw;
      },
    }),
  }),
  setting({
    name: 'Dependencies', section: 'Config', scope: 'local',
    cli: { long: '--dependency' },
    help: 'Specify other images that this image depends on',
    kind: list(),
  }),
  setting({
    name: 'MinimumVersion', section: 'Config', scope: 'main',
    cli: { long: '--minimum-version' },
    help: 'Specify the minimum required mkosi version',
    kind: {
      schema: (z) => z.string().nullable(), collection: false, empty: null, expects: 'a version or commit:HASH',
      parse(raw, old) {
        if (raw === '') return null;
        if (raw.startsWith('commit:')) return raw;
        if (compareVersions(raw, MKB_MKOSI_COMPAT_VERSION) > 0) {
          throw new ValueError(`mkosi ${raw} or newer is required by this configuration`, `mkb implements mkosi ${MKB_MKOSI_COMPAT_VERSION}`);
        }
        return old && !old.startsWith('commit:') && compareVersions(old, raw) > 0 ? old : raw;
      },
    },
  }),
  setting({
    name: 'ConfigureScripts', section: 'Config', scope: 'local',
    cli: { long: '--configure-script' }, paths: [{ path: 'mkosi.configure' }],
    help: 'Configure script to run before doing anything',
    kind: list({ item: (raw, env) => globPaths(raw, env) }),
  }),
  setting({
    name: 'PassEnvironment', section: 'Config', scope: 'main',
    cli: { long: '--pass-environment' },
    help: 'Environment variables to pass to subimages',
    kind: list({ split: 'space' }),
  }),
] as const;

// mkosi's "Applying presets": `systemctl --root preset-all` for system units and `--global preset-all` for
// user units, so the enablement symlinks under /etc/systemd follow the image's preset files.
import { NODE_ENV } from '../image/node-support.js';
import { replayableStep } from './tree-region.js';
import { BUILDROOT, isFullSystemImage, runHostTool, sideBySide } from './tree-step.js';
import type { TreeStep } from './tree-step.js';

export const PRESET_ARGVS = [['systemctl', `--root=${BUILDROOT}`, 'preset-all'], ['systemctl', `--root=${BUILDROOT}`, '--global', 'preset-all']];

/**
 * Everything systemctl reads and writes applying presets: the unit search paths, preset directories and
 * enablement links of both scopes (user units also live under share/). Not the rest of /usr/lib/systemd:
 * its programs are never read as units.
 */
export const SYSTEMD_DIRECTORIES = ['etc/systemd', 'run/systemd', 'usr/lib/systemd', 'lib/systemd', 'usr/local/lib/systemd', 'usr/share/systemd', 'usr/local/share/systemd', 'etc/xdg/systemd']
  .flatMap((base) => ['system', 'user', 'system-preset', 'user-preset', 'system.control', 'user.control', 'system.attached', 'transient', 'generator', 'generator.early', 'generator.late']
    .map((dir) => `${base}/${dir}`));

/**
 * preset-all reads a few hundred unit files over and over (0.3 s for a small systemd image), and its effect
 * depends on nothing but the systemd directories. Finalize reruns for any change to the image (an extra
 * file), so when those directories are exactly as in an earlier run, the links that run made are made again.
 */
export const presets: TreeStep = {
  tools: ['bwrap', 'systemctl'],
  applies: isFullSystemImage,
  run: (ctx) => replayableStep({
    ctx, name: 'presets', dirs: SYSTEMD_DIRECTORIES, identity: { argv: PRESET_ARGVS, env: NODE_ENV },
    // Side by side: system presets write only under /etc/systemd/system, user presets only under /etc/systemd/user.
    run: (c) => sideBySide(PRESET_ARGVS.map((argv) => runHostTool(c, argv, { env: NODE_ENV }))),
  }),
};

// mkosi's "Applying presets": `systemctl --root preset-all` for system units and `--global preset-all` for
// user units, so the enablement symlinks under /etc/systemd follow the image's preset files.
import { NODE_ENV } from '../image/node-support.js';
import { BUILDROOT, isFullSystemImage, runHostTool, sideBySide } from './tree-step.js';
import type { TreeStep } from './tree-step.js';

export const PRESET_ARGVS = [['systemctl', `--root=${BUILDROOT}`, 'preset-all'], ['systemctl', `--root=${BUILDROOT}`, '--global', 'preset-all']];

export const presets: TreeStep = {
  tools: ['bwrap', 'systemctl'],
  applies: isFullSystemImage,
  // Side by side: system presets write only under /etc/systemd/system, user presets only under /etc/systemd/user.
  run: (ctx) => sideBySide(PRESET_ARGVS.map((argv) => runHostTool(ctx, argv, { env: NODE_ENV }))),
};

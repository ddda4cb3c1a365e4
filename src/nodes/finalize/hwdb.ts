// mkosi's "Generating hardware database": compiles the image's hwdb.d into /usr/lib/udev/hwdb.bin with the
// host's systemd-hwdb (nothing is written when the image has no hwdb files), and drops a stale
// /etc/udev/hwdb.bin that would shadow it.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { NODE_ENV } from '../image/node-support.js';
import { BUILDROOT, isFullSystemImage, runHostTool } from './tree-step.js';
import type { TreeStep } from './tree-step.js';

export const HWDB_ARGV = ['systemd-hwdb', `--root=${BUILDROOT}`, '--usr', '--strict', 'update'];

export const hwdb: TreeStep = {
  tools: ['bwrap', 'systemd-hwdb'],
  applies: isFullSystemImage,
  async run(ctx) {
    const r = await runHostTool(ctx, HWDB_ARGV, { env: NODE_ENV });
    if (r.ok) await rm(join(ctx.root, 'etc/udev/hwdb.bin'), { force: true });
    return r;
  },
};

// mkosi's "Generating locales": when the image's /etc/locale.gen names a locale, its own locale-gen runs in
// the image (Debian's `locales` writes /usr/lib/locale/locale-archive). Locale= plays no part in this: it only
// reaches /etc/locale.conf through systemd-firstboot, as in mkosi 27.1.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { err, ok } from '../../errors/result.js';
import { NODE_ENV } from '../image/node-support.js';
import { toNodeFailure } from '../packages/package-failure.js';
import { runInRoot } from '../sandbox/run-in-root.js';
import { imageHasBinary, isOverlay } from './tree-step.js';
import type { TreeStep } from './tree-step.js';

/** Whether locale.gen names at least one locale: a line that is neither blank nor a comment. */
export function namesLocales(localeGen: string): boolean {
  return localeGen.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

export const localeGen: TreeStep = {
  tools: [],
  // Unlike the other steps, mkosi also generates the tools tree's locales.
  applies: (settings) => !isOverlay(settings),
  async run(ctx) {
    const text = await readFile(join(ctx.root, 'etc/locale.gen'), 'utf8').catch(() => undefined);
    if (text === undefined || !namesLocales(text)) return ok(null);
    if (!(await imageHasBinary(ctx.root, 'locale-gen'))) {
      return err({
        code: 'NODE_FAILED', node: ctx.node, message: 'the image\'s /etc/locale.gen names locales, but the image has no locale-gen to build them',
        hint: 'add locales to Packages=, or comment out the lines of /etc/locale.gen',
      });
    }
    const r = await runInRoot({ mode: 'chroot', root: ctx.root, argv: ['locale-gen'], network: false, env: NODE_ENV, signal: ctx.signal, onOutput: ctx.onOutput });
    return r.ok ? ok(null) : err(toNodeFailure(ctx.node, r.error));
  },
};

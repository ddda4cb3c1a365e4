// mkosi's "Generating system users": the host's systemd-sysusers over the image, so the users and groups
// that packages and extra trees declare in sysusers.d exist in /etc/passwd, /etc/group and /etc/shadow.
import type { Settings } from '../types.js';
import { num, str } from '../image/image-settings.js';
import { NODE_ENV } from '../image/node-support.js';
import type { Environment } from '../packages/run-tool.js';
import { BUILDROOT, isFullSystemImage, runHostTool } from './tree-step.js';
import type { TreeStep } from './tree-step.js';

/**
 * The environment mkosi gives systemd-sysusers: the image's identity, SourceDateEpoch= (sysusers dates new
 * /etc/shadow entries with it) and Environment=.
 */
export function sysusersEnvironment(settings: Settings): Environment {
  const env: Record<string, string> = { ...NODE_ENV, SYSTEMD_TMPFILES_FORCE_SUBVOL: '0' };
  const id = str(settings, 'ImageId');
  const version = str(settings, 'ImageVersion');
  const epoch = num(settings, 'SourceDateEpoch');
  if (id !== undefined) env['IMAGE_ID'] = id;
  if (version !== undefined) env['IMAGE_VERSION'] = version;
  if (epoch !== undefined) env['SOURCE_DATE_EPOCH'] = String(epoch);
  const user = settings['Environment'];
  if (typeof user === 'object' && user !== null && !Array.isArray(user)) {
    for (const [k, v] of Object.entries(user)) if (typeof v === 'string') env[k] = v;
  }
  return env;
}

export const sysusers: TreeStep = {
  tools: ['bwrap', 'systemd-sysusers'],
  applies: isFullSystemImage,
  run: (ctx) => runHostTool(ctx, ['systemd-sysusers', `--root=${BUILDROOT}`], { env: sysusersEnvironment(ctx.settings) }),
};

// mkosi's "Generating volatile files": the host's systemd-tmpfiles over the image, creating what tmpfiles.d
// declares for boot (directories under /var, /etc links, …), with the image's own users and groups.
import { NODE_ENV } from '../image/node-support.js';
import { BUILDROOT, isFullSystemImage, runHostTool } from './tree-step.js';
import type { TreeStep } from './tree-step.js';

/** API file systems and temporary directories: they exist only at run time. */
const EXCLUDED = ['/tmp', '/var/tmp', '/run', '/proc', '/sys', '/dev'];

/**
 * mkosi's arguments. mkb builds as root, so /var is not excluded (mkosi excludes it only when it cannot
 * chown, i.e. unprivileged).
 */
export const TMPFILES_ARGV = ['systemd-tmpfiles', `--root=${BUILDROOT}`, '--boot', '--create', '--remove', ...EXCLUDED.map((d) => `--exclude-prefix=${d}`)];

/** systemd-tmpfiles.service treats these as success (some lines could not be applied), and so does mkosi. */
export const TMPFILES_SUCCESS = [65, 73];

export const tmpfiles: TreeStep = {
  tools: ['bwrap', 'systemd-tmpfiles'],
  applies: isFullSystemImage,
  run: (ctx) => runHostTool(ctx, TMPFILES_ARGV, {
    env: { ...NODE_ENV, SYSTEMD_TMPFILES_FORCE_SUBVOL: '0' }, alsoSuccessful: TMPFILES_SUCCESS,
    // ACL lines name users and groups that tmpfiles resolves through libc, which reads /etc, not the --root tree.
    overHost: ['etc/passwd', 'etc/group', 'etc/shadow', 'etc/gshadow'],
  }),
};

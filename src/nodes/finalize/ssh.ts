// Ssh= (mkosi 27.1): `always` (or `auto` when the image has sshd but no systemd-ssh-generator, i.e. systemd
// before 256) makes sshd reachable over AF_VSOCK port 22 for `mkosi ssh`: a socket-activated ssh@.service,
// enabled through a preset that the presets step applies. `runtime` and `never` change nothing in the image.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ok } from '../../errors/result.js';
import type { Settings } from '../types.js';
import { str } from '../image/image-settings.js';
import { pathExists } from '../image/node-support.js';
import { imageHasBinary } from './tree-step.js';
import type { TreeStep } from './tree-step.js';

export type SshMode = 'always' | 'auto' | 'runtime' | 'never';

export function sshMode(settings: Settings): SshMode {
  const v = str(settings, 'Ssh');
  return v === 'always' || v === 'runtime' || v === 'never' ? v : 'auto';
}

const SOCKET = [
  '[Unit]',
  'Description=Mkosi SSH Server VSock Socket',
  'ConditionVirtualization=!container',
  'Wants=sshd-keygen.target',
  '',
  '[Socket]',
  'ListenStream=vsock::22',
  'Accept=yes',
  '',
  '[Install]',
  'WantedBy=sockets.target',
];

const SERVICE = [
  '[Unit]',
  'Description=Mkosi SSH Server',
  'After=sshd-keygen.target',
  '',
  '[Service]',
  // -i: one sshd per connection. No PAM: with -i, sshd gives PAM the remote host UNKNOWN, and PAM's reverse
  // DNS lookup of it is slow. Exit status 255 is how sshd ends every session.
  'ExecStart=sshd -i -o UsePAM=no',
  'StandardInput=socket',
  'RuntimeDirectoryPreserve=yes',
  'RuntimeDirectory=sshd',
  'SuccessExitStatus=255',
];

const file = (lines: readonly string[]): string => `${lines.join('\n')}\n`;

/** systemd ≥ 256 ships a generator that sets up the same socket at boot. */
async function hasSshGenerator(root: string): Promise<boolean> {
  return pathExists(join(root, 'usr/lib/systemd/system-generators/systemd-ssh-generator'));
}

export const ssh: TreeStep = {
  tools: [],
  applies: (settings) => sshMode(settings) === 'always' || sshMode(settings) === 'auto',
  async run(ctx) {
    if (sshMode(ctx.settings) === 'auto' && ((await hasSshGenerator(ctx.root)) || !(await imageHasBinary(ctx.root, 'sshd')))) return ok(null);
    const units = join(ctx.root, 'usr/lib/systemd/system');
    const presetDir = join(ctx.root, 'usr/lib/systemd/system-preset');
    await mkdir(units, { recursive: true, mode: 0o755 });
    await writeFile(join(units, 'ssh.socket'), file(SOCKET), { mode: 0o644 });
    await writeFile(join(units, 'ssh@.service'), file(SERVICE), { mode: 0o644 });
    await mkdir(presetDir, { recursive: true, mode: 0o755 });
    await writeFile(join(presetDir, '80-mkosi-ssh.preset'), 'enable ssh.socket\n', { mode: 0o644 });
    return ok(null);
  },
};

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const GETTYS: ReadonlyArray<readonly [unit: string, agetty: string]> = [
  ['console-getty.service', '--noclear --keep-baud console 115200,38400,9600'],
  ['getty@tty1.service', '--noclear -'],
  ['serial-getty@hvc0.service', '--keep-baud 115200,57600,38400,9600 -'],
];

/** Autologin=yes: drop-ins that make the consoles log root in without a password. */
export async function configureAutologin(root: string): Promise<void> {
  for (const [unit, args] of GETTYS) {
    const dir = join(root, 'usr/lib/systemd/system', `${unit}.d`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'autologin.conf'), [
      '[Service]', 'ExecStart=', `ExecStart=-/sbin/agetty -o '-f -p -- \\\\u' --autologin root ${args} $TERM`, 'StandardInput=tty', 'StandardOutput=tty', '',
    ].join('\n'), { mode: 0o644 });
  }
}

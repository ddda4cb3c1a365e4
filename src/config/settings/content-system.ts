import { rootPassword } from '../values/root-password.js';
import { bool, enumOf, feature, str, uuid } from '../values/scalars.js';
import { setting } from './define.js';

/** `[Content]`, last part (mkosi 27.1 table order): first-boot settings, machine ID, login, SSH, SELinux. */
export const CONTENT_SYSTEM_SETTINGS = [
  setting({
    name: 'Locale', section: 'Content', scope: 'local',
    cli: { long: '--locale', metavar: 'LOCALE' },
    help: 'Set the system locale',
    kind: str(),
  }),
  setting({
    name: 'LocaleMessages', section: 'Content', scope: 'local',
    cli: { long: '--locale-messages', metavar: 'LOCALE' },
    help: 'Set the messages locale',
    kind: str(),
  }),
  setting({
    name: 'Keymap', section: 'Content', scope: 'initrd-inherit',
    cli: { long: '--keymap', metavar: 'KEYMAP' },
    help: 'Set the system keymap',
    kind: str(),
  }),
  setting({
    name: 'Timezone', section: 'Content', scope: 'initrd-inherit',
    cli: { long: '--timezone', metavar: 'TIMEZONE' },
    help: 'Set the system timezone',
    kind: str(),
  }),
  setting({
    name: 'Hostname', section: 'Content', scope: 'initrd-inherit',
    cli: { long: '--hostname', metavar: 'HOSTNAME' },
    help: 'Set the system hostname',
    kind: str(),
  }),
  setting({
    name: 'RootPassword', section: 'Content', scope: 'initrd-inherit', secret: true,
    cli: { long: '--root-password', metavar: 'PASSWORD' },
    // mkosi.rootpw: its contents (an executable's stdout); it must not be accessible by others.
    paths: [{ path: 'mkosi.rootpw', use: 'contents' }],
    help: 'Set the password for root',
    kind: rootPassword(),
  }),
  setting({
    name: 'RootShell', section: 'Content', scope: 'local',
    cli: { long: '--root-shell', metavar: 'SHELL' },
    help: 'Set the shell for root',
    kind: str(),
  }),
  setting({
    name: 'MachineId', section: 'Content', scope: 'local',
    cli: { long: '--machine-id', metavar: 'MACHINE_ID' },
    // mkosi.machine-id: its contents, not stripped (`  random  ` is not a valid UUID); not a secret.
    paths: [{ path: 'mkosi.machine-id', use: 'contents' }],
    help: 'Set the machine ID to use',
    kind: uuid({ allowRandom: true }),
  }),
  setting({
    name: 'Autologin', section: 'Content', scope: 'local',
    cli: { long: '--autologin', short: '-a', shortConst: 'yes', metavar: 'BOOL' },
    help: 'Enable root autologin',
    kind: bool(),
  }),
  setting({
    name: 'MakeInitrd', section: 'Content', scope: 'local',
    cli: { long: '--make-initrd', metavar: 'BOOL' },
    help: 'Make sure the image can be used as an initramfs',
    kind: bool(),
  }),
  setting({
    name: 'Ssh', section: 'Content', scope: 'local',
    // On the command line only the enum's names: `--ssh=yes` is a usage error, `Ssh=yes` in a file is `always`.
    cli: { long: '--ssh', choices: ['always', 'auto', 'runtime', 'never', ''] },
    help: "Set up SSH access from the host to the final image via 'mkosi ssh'",
    kind: enumOf(['always', 'auto', 'runtime', 'never'], { empty: 'auto', yes: 'always', no: 'never', typeName: 'Ssh' }),
    default: { value: 'auto' },
  }),
  setting({
    name: 'SELinuxRelabel', section: 'Content', scope: 'local',
    cli: { long: '--selinux-relabel', metavar: 'FEATURE' },
    help: 'Specify whether to relabel all files with setfiles',
    kind: feature(),
  }),
] as const;

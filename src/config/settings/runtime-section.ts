import { basename } from 'node:path';
import { credentials } from '../values/credentials.js';
import { list } from '../values/lists.js';
import { parseTree, path, treeSchema, type Tree } from '../values/paths.js';
import { bool, enumOf, size, str } from '../values/scalars.js';
import { setting } from './define.js';
import { RUNTIME_VM_SETTINGS } from './runtime-vm.js';

/**
 * `[Runtime]` (mkosi 27.1 table order; the legacy `[Host]` section name is still read, with a
 * "should be configured in [Runtime]" warning per setting). Every runtime setting is main-scope.
 */
export const RUNTIME_SETTINGS = [
  setting({
    name: 'NSpawnSettings', section: 'Runtime', scope: 'main',
    cli: { long: '--settings', metavar: 'PATH' }, paths: [{ path: 'mkosi.nspawn' }],
    help: 'Add in .nspawn settings file',
    kind: path(),
  }),
  setting({
    name: 'Ephemeral', section: 'Runtime', scope: 'main',
    cli: { long: '--ephemeral', metavar: 'BOOL' },
    help: 'If specified, the container/VM is run with a temporary snapshot of the output image that is removed immediately when the container/VM terminates',
    kind: bool(),
  }),
  setting({
    name: 'Credentials', section: 'Runtime', scope: 'main',
    cli: { long: '--credential', metavar: 'NAME=VALUE' }, paths: [{ path: 'mkosi.credentials' }],
    help: 'Pass a systemd credential to a systemd-nspawn container or a virtual machine',
    kind: credentials(),
  }),
  setting({
    name: 'KernelCommandLineExtra', section: 'Runtime', scope: 'main',
    cli: { long: '--kernel-command-line-extra', metavar: 'OPTIONS' },
    help: 'Append extra entries to the kernel command line when booting the image',
    kind: list({ split: 'space' }),
  }),
  setting({
    name: 'RuntimeTrees', section: 'Runtime', scope: 'main',
    cli: { long: '--runtime-tree', metavar: 'SOURCE:[TARGET]' },
    help: 'Additional mounts to add when booting the image',
    // Sources are checked only when booting (they may be outputs); targets may be relative (under /root/src).
    kind: list<Tree>({ item: (raw, env) => parseTree(raw, env, { target: 'any', required: false }), itemSchema: treeSchema }),
  }),
  setting({
    name: 'RuntimeSize', section: 'Runtime', scope: 'main',
    cli: { long: '--runtime-size', metavar: 'SIZE' },
    help: 'Grow disk images to the specified size before booting them',
    kind: size({ empty: null }),
  }),
  setting({
    name: 'RuntimeNetwork', section: 'Runtime', scope: 'main',
    cli: { long: '--runtime-network', choices: ['interface', 'user', 'none', ''] },
    help: 'Set networking backend to use when booting the image',
    kind: enumOf(['interface', 'user', 'none'], { empty: 'user', typeName: 'Network' }),
    default: { value: 'user' },
  }),
  setting({
    name: 'RuntimeBuildSources', section: 'Runtime', scope: 'main',
    cli: { long: '--runtime-build-sources', metavar: 'BOOL' },
    help: 'Mount build sources and build directory in /work when booting the image',
    kind: bool(),
  }),
  setting({
    name: 'BindUser', section: 'Runtime', scope: 'main',
    cli: { long: '--bind-user', metavar: 'BOOL' },
    help: 'Bind current user from host into container or virtual machine',
    kind: bool(),
  }),
  setting({
    name: 'SshKey', section: 'Runtime', scope: 'main', secret: true,
    cli: { long: '--ssh-key', metavar: 'PATH' }, paths: [{ path: 'mkosi.key' }],
    help: 'Private key for use with mkosi ssh in PEM format',
    kind: path({ secret: true }),
  }),
  setting({
    name: 'SshCertificate', section: 'Runtime', scope: 'main',
    cli: { long: '--ssh-certificate', metavar: 'PATH' }, paths: [{ path: 'mkosi.crt' }],
    help: 'Certificate for use with mkosi ssh in X509 format',
    kind: path(),
  }),
  setting({
    name: 'VirtualMachineMonitor', section: 'Runtime', scope: 'main',
    cli: { long: '--vmm', choices: ['qemu', 'vmspawn', ''] },
    help: 'Set the virtual machine monitor to use for mkosi vm',
    kind: enumOf(['qemu', 'vmspawn'], { empty: 'qemu', typeName: 'Vmm' }),
    default: { value: 'qemu' },
  }),
  setting({
    name: 'Machine', section: 'Runtime', scope: 'main', emptyIsNull: true,
    cli: { long: '--machine', metavar: 'NAME' },
    help: 'Set the machine name to use when booting the image',
    kind: str(),
    // The name of the --directory (null with `-C ''`); any string is kept, even one with a slash.
    default: { dependsOn: [], compute: (ctx) => (ctx.host.directory === null ? null : basename(ctx.host.directory)) },
  }),
  setting({
    name: 'ForwardJournal', section: 'Runtime', scope: 'main',
    cli: { long: '--forward-journal', metavar: 'PATH' },
    help: 'Set the path used to store forwarded machine journals',
    kind: path({ required: false }),
  }),
  setting({
    name: 'SysupdateDirectory', section: 'Runtime', scope: 'main',
    cli: { long: '--sysupdate-directory', metavar: 'PATH' }, paths: [{ path: 'mkosi.sysupdate' }],
    help: 'Directory containing systemd-sysupdate transfer definitions',
    kind: path(),
  }),
  ...RUNTIME_VM_SETTINGS,
] as const;

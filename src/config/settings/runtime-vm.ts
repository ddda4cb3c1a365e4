import { drives } from '../values/drives.js';
import { integer } from '../values/integers.js';
import { list } from '../values/lists.js';
import { path } from '../values/paths.js';
import { bool, enumOf, feature, size, str } from '../values/scalars.js';
import { vsockCid } from '../values/vsock-cid.js';
import { setting } from './define.js';

/** Virtual machine settings of `[Runtime]` (mkosi 27.1 table order); the `Qemu*` compat names still apply. */
export const RUNTIME_VM_SETTINGS = [
  setting({
    name: 'Console', section: 'Runtime', scope: 'main',
    cli: { long: '--console', metavar: 'MODE' },
    help: 'Configure the virtual machine console mode to use',
    // The man page says the default is interactive; 27.1 prints native.
    kind: enumOf(['interactive', 'read-only', 'native', 'gui', 'headless'], { empty: 'native', typeName: 'ConsoleMode' }),
    default: { value: 'native' },
  }),
  setting({
    name: 'CPUs', section: 'Runtime', scope: 'main',
    cli: { long: '--cpus', metavar: 'CPUS' }, compatNames: ['QemuSmp'],
    help: 'Configure number of CPUs in virtual machine',
    // Any integer is accepted (0 = as many as mkosi may use); the man page's default of 2 is not 27.1's.
    kind: integer({ empty: 1, invalid: (raw) => `'${raw}' is not a valid number` }),
    default: { value: 1 },
  }),
  setting({
    name: 'RAM', section: 'Runtime', scope: 'main',
    cli: { long: '--ram', metavar: 'BYTES' }, compatNames: ['QemuMem'],
    help: "Configure guest's RAM size",
    kind: size({ empty: 2 * 1024 ** 3 }), default: { value: 2 * 1024 ** 3 },
  }),
  setting({
    name: 'MaxMem', section: 'Runtime', scope: 'main',
    cli: { long: '--maxmem', metavar: 'BYTES' },
    help: "Configure guest's MaxMem size",
    kind: size({ empty: null }),
  }),
  setting({
    name: 'KVM', section: 'Runtime', scope: 'main',
    cli: { long: '--kvm', metavar: 'FEATURE' }, compatNames: ['QemuKvm'],
    help: 'Configure whether to use KVM or not',
    kind: feature(),
  }),
  setting({
    name: 'CXL', section: 'Runtime', scope: 'main',
    cli: { long: '--cxl', metavar: 'BOOLEAN' },
    help: 'Enable CXL device support',
    kind: bool(),
  }),
  setting({
    name: 'VSock', section: 'Runtime', scope: 'main',
    cli: { long: '--vsock', metavar: 'FEATURE' }, compatNames: ['QemuVsock'],
    help: 'Configure whether to use vsock or not',
    kind: feature(),
  }),
  setting({
    name: 'VSockCID', section: 'Runtime', scope: 'main',
    cli: { long: '--vsock-cid', metavar: 'NUMBER|auto|hash' }, compatNames: ['QemuVsockConnectionId'],
    help: 'Specify the vsock connection ID to use',
    kind: vsockCid(),
  }),
  setting({
    name: 'TPM', section: 'Runtime', scope: 'main',
    cli: { long: '--tpm', metavar: 'FEATURE' }, compatNames: ['QemuSwtpm'],
    help: 'Configure whether to use a virtual tpm or not',
    kind: feature(),
  }),
  setting({
    name: 'Removable', section: 'Runtime', scope: 'main',
    cli: { long: '--removable', metavar: 'BOOLEAN' }, compatNames: ['QemuRemovable'],
    help: 'Attach the image as a removable drive to the virtual machine',
    kind: bool(),
  }),
  setting({
    name: 'DiskType', section: 'Runtime', scope: 'main',
    cli: { long: '--disk-type', choices: ['virtio-blk', 'virtio-scsi', 'nvme', 'scsi-cd', ''] },
    help: 'Set the disk type for the root disk in the virtual machine',
    kind: enumOf(['virtio-blk', 'virtio-scsi', 'nvme', 'scsi-cd'], { empty: 'virtio-blk', typeName: 'QemuDiskType' }),
    default: { value: 'virtio-blk' },
  }),
  setting({
    name: 'Firmware', section: 'Runtime', scope: 'main',
    cli: { long: '--firmware', choices: ['auto', 'linux', 'linux-noinitrd', 'uefi', 'uefi-secure-boot', ''] }, compatNames: ['QemuFirmware'],
    help: 'Select the virtual machine firmware to use',
    kind: enumOf(['auto', 'linux', 'linux-noinitrd', 'uefi', 'uefi-secure-boot'], { empty: 'auto', typeName: 'Firmware' }),
    default: { value: 'auto' },
  }),
  setting({
    name: 'FirmwareVariables', section: 'Runtime', scope: 'main',
    cli: { long: '--firmware-variables', metavar: 'PATH' }, compatNames: ['QemuFirmwareVariables'],
    help: 'Set the path to the firmware variables file to use',
    // A path (not checked until the VM starts) or one of the special values.
    kind: path({ required: false, constants: ['custom', 'microsoft', 'microsoft-mok'] }),
  }),
  setting({
    name: 'Linux', section: 'Runtime', scope: 'main',
    cli: { long: '--linux', metavar: 'PATH' }, compatNames: ['QemuKernel'],
    help: 'Specify the kernel to use for direct kernel boot',
    // Kept verbatim (not resolved): the delayed `&b` specifier (final build directory) is expanded later.
    kind: str(),
  }),
  setting({
    name: 'Drives', section: 'Runtime', scope: 'main',
    cli: { long: '--drive', metavar: 'DRIVE' }, compatNames: ['QemuDrives'],
    help: 'Specify drive that mkosi should create and pass to the virtual machine',
    kind: drives(),
  }),
  setting({
    name: 'QemuArgs', section: 'Runtime', scope: 'main',
    cli: { long: '--qemu-args' },
    help: 'Extra arguments for qemu',
    kind: list({ split: 'shlex' }),
  }),
  setting({
    name: 'Register', section: 'Runtime', scope: 'main',
    cli: { long: '--register', metavar: 'BOOL' },
    help: 'Register booted vm/container with systemd-machined',
    kind: feature(),
  }),
  setting({
    name: 'StorageTargetMode', section: 'Runtime', scope: 'main',
    cli: { long: '--storage-target-mode', metavar: 'FEATURE' },
    help: 'Run systemd-storagetm as part of the serve verb',
    kind: feature(),
  }),
] as const;

import { keyPath, keySource, path } from '../values/paths.js';
import { bool, enumOf, feature, str } from '../values/scalars.js';
import { setting } from './define.js';

const KEY = { path: 'mkosi.key' } as const;
const CERTIFICATE = { path: 'mkosi.crt' } as const;

/** `[Validation]`: signing, verity, encryption passphrase and checksums (mkosi 27.1 table order). */
export const VALIDATION_SETTINGS = [
  setting({
    name: 'SecureBoot', section: 'Validation', scope: 'local',
    cli: { long: '--secure-boot', metavar: 'BOOL' },
    help: 'Sign the resulting kernel/initrd image for UEFI SecureBoot',
    kind: bool(),
  }),
  setting({
    name: 'SecureBootAutoEnroll', section: 'Validation', scope: 'local',
    cli: { long: '--secure-boot-auto-enroll', metavar: 'BOOL' },
    help: 'Automatically enroll the secureboot signing key on first boot',
    kind: bool(), default: { value: true },
  }),
  setting({
    name: 'SecureBootKey', section: 'Validation', scope: 'universal', secret: true,
    cli: { long: '--secure-boot-key', metavar: 'KEY' }, paths: [KEY],
    help: 'UEFI SecureBoot private key',
    kind: keyPath({ secret: true }),
  }),
  setting({
    name: 'SecureBootKeySource', section: 'Validation', scope: 'universal',
    cli: { long: '--secure-boot-key-source', metavar: 'SOURCE[:ENGINE]' },
    help: 'The source to use to retrieve the secure boot signing key',
    kind: keySource({ engine: true }),
  }),
  setting({
    name: 'SecureBootCertificate', section: 'Validation', scope: 'universal',
    cli: { long: '--secure-boot-certificate', metavar: 'PATH' }, paths: [CERTIFICATE],
    help: 'UEFI SecureBoot certificate in X509 format',
    kind: keyPath(),
  }),
  setting({
    name: 'SecureBootCertificateSource', section: 'Validation', scope: 'universal',
    cli: { long: '--secure-boot-certificate-source', metavar: 'SOURCE[:PROVIDER]' },
    help: 'The source to use to retrieve the secure boot signing certificate',
    kind: keySource({ engine: false }),
  }),
  setting({
    name: 'SecureBootSignTool', section: 'Validation', scope: 'local',
    cli: { long: '--secure-boot-sign-tool', choices: ['auto', 'sbsign', 'systemd-sbsign', ''] },
    help: 'Tool to use for signing PE binaries for secure boot',
    kind: enumOf(['auto', 'sbsign', 'systemd-sbsign'], { empty: 'auto', typeName: 'SecureBootSignTool' }),
    default: { value: 'auto' },
  }),
  setting({
    name: 'Verity', section: 'Validation', scope: 'local',
    cli: { long: '--verity', metavar: 'FEATURE' },
    help: 'Configure whether to enforce or disable verity partitions for disk images',
    kind: enumOf(['disabled', 'hash', 'signed', 'defer', 'auto'], { empty: 'auto', yes: 'signed', no: 'disabled', typeName: 'Verity' }),
    default: { value: 'auto' },
  }),
  setting({
    name: 'VerityKey', section: 'Validation', scope: 'universal', secret: true,
    cli: { long: '--verity-key', metavar: 'KEY' }, paths: [KEY],
    help: 'Private key for signing verity signature',
    kind: keyPath({ secret: true }),
  }),
  setting({
    name: 'VerityKeySource', section: 'Validation', scope: 'universal',
    cli: { long: '--verity-key-source', metavar: 'SOURCE[:ENGINE]' },
    help: 'The source to use to retrieve the verity signing key',
    kind: keySource({ engine: true }),
  }),
  setting({
    name: 'VerityCertificate', section: 'Validation', scope: 'universal',
    cli: { long: '--verity-certificate', metavar: 'PATH' }, paths: [CERTIFICATE],
    help: 'Certificate for signing verity signature in X509 format',
    kind: keyPath(),
  }),
  setting({
    name: 'VerityCertificateSource', section: 'Validation', scope: 'universal',
    cli: { long: '--verity-certificate-source', metavar: 'SOURCE[:PROVIDER]' },
    help: 'The source to use to retrieve the verity signing certificate',
    kind: keySource({ engine: false }),
  }),
  setting({
    name: 'SignExpectedPcr', section: 'Validation', scope: 'local',
    cli: { long: '--sign-expected-pcr', metavar: 'FEATURE' },
    help: 'Measure the components of the unified kernel image (UKI) and embed the PCR signature into the UKI',
    kind: feature(),
  }),
  setting({
    name: 'SignExpectedPcrKey', section: 'Validation', scope: 'inherit', secret: true,
    cli: { long: '--sign-expected-pcr-key', metavar: 'KEY' }, paths: [KEY],
    help: 'Private key for signing expected PCR signature',
    kind: keyPath({ secret: true }),
  }),
  setting({
    name: 'SignExpectedPcrKeySource', section: 'Validation', scope: 'inherit',
    cli: { long: '--sign-expected-pcr-key-source', metavar: 'SOURCE[:ENGINE]' },
    help: 'The source to use to retrieve the expected PCR signing key',
    kind: keySource({ engine: true }),
  }),
  setting({
    name: 'SignExpectedPcrCertificate', section: 'Validation', scope: 'inherit',
    cli: { long: '--sign-expected-pcr-certificate', metavar: 'PATH' }, paths: [CERTIFICATE],
    help: 'Certificate for signing expected PCR signature in X509 format',
    kind: keyPath(),
  }),
  setting({
    name: 'SignExpectedPcrCertificateSource', section: 'Validation', scope: 'inherit',
    cli: { long: '--sign-expected-pcr-certificate-source', metavar: 'SOURCE[:PROVIDER]' },
    help: 'The source to use to retrieve the expected PCR signing certificate',
    kind: keySource({ engine: false }),
  }),
  setting({
    name: 'SignInitrdPCRs', section: 'Validation', scope: 'local',
    cli: { long: '--sign-initrd-pcrs', metavar: 'FEATURE' },
    help: 'Generate a signed PCR policy that can only be satisfied from the initrd and embed this into the UKI',
    kind: feature(),
  }),
  setting({
    name: 'Passphrase', section: 'Validation', scope: 'local', secret: true,
    cli: { long: '--passphrase', metavar: 'PATH' }, paths: [{ path: 'mkosi.passphrase' }],
    help: 'Path to a file containing the passphrase to use when LUKS encryption is selected',
    // 27.1 accepts a missing file here (it is only read when building); an existing one must be private.
    kind: path({ required: false, secret: true }),
  }),
  setting({
    name: 'Checksum', section: 'Validation', scope: 'local',
    cli: { long: '--checksum', metavar: 'BOOL', bareConst: 'yes' },
    help: 'Write SHA256SUMS file',
    kind: bool(),
    default: { dependsOn: ['Sign'], compute: (ctx) => ctx.get('Sign') === true },
  }),
  setting({
    name: 'Sign', section: 'Validation', scope: 'local',
    cli: { long: '--sign', metavar: 'BOOL' },
    help: 'Write and sign SHA256SUMS file',
    kind: bool(),
  }),
  setting({
    name: 'Key', section: 'Validation', scope: 'local',
    cli: { long: '--key', metavar: 'KEY' },
    help: 'GPG key to use for signing',
    kind: str(),
  }),
  setting({
    name: 'OpenPGPTool', section: 'Validation', scope: 'local',
    cli: { long: '--openpgp-tool', metavar: 'OPENPGP_TOOL' },
    help: 'OpenPGP implementation to use for signing',
    kind: str(), default: { value: 'gpg' },
  }),
] as const;

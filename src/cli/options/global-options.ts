import type { OptionSpec } from './option-spec.js';

export const DOC_FORMATS = ['auto', 'markdown', 'man', 'pandoc', 'system'] as const;
export type DocFormat = (typeof DOC_FORMATS)[number];

const GROUP = 'Options';

/** mkosi 27.1's CLI-only options (they configure the run, not an image), in `mkosi --help` order. */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { short: '-f', long: '--force', value: 'none', help: 'Remove existing image file before operation (repeat for more: -ff, -fff)', group: GROUP, target: { kind: 'global', key: 'force' } },
  { short: '-C', long: '--directory', value: 'required', metavar: 'PATH', complete: 'dirs', help: "Change to specified directory before doing anything ('' reads no configuration)", group: GROUP, target: { kind: 'global', key: 'directory' } },
  { long: '--debug', value: 'none', help: 'Turn on debugging output (and stack traces of internal errors)', group: GROUP, target: { kind: 'global', key: 'debug' } },
  { long: '--debug-shell', value: 'none', help: 'Spawn an interactive shell in the image if a chroot command fails', group: GROUP, target: { kind: 'global', key: 'debugShell' } },
  { long: '--debug-workspace', value: 'none', help: 'When an error occurs, the workspace directory will not be deleted', group: GROUP, target: { kind: 'global', key: 'debugWorkspace' } },
  { long: '--debug-sandbox', value: 'none', help: 'Run mkosi-sandbox with strace', group: GROUP, target: { kind: 'global', key: 'debugSandbox' } },
  { long: '--debug-timing', value: 'none', help: 'Log the duration of each build step', group: GROUP, target: { kind: 'global', key: 'debugTiming' } },
  { long: '--no-pager', value: 'none', help: 'Do not page long output', group: GROUP, target: { kind: 'global', key: 'noPager' } },
  { long: '--genkey-valid-days', value: 'required', metavar: 'DAYS', help: 'Number of days keys should be valid when generating keys', group: GROUP, target: { kind: 'global', key: 'genkeyValidDays' } },
  { long: '--genkey-common-name', value: 'required', metavar: 'CN', help: 'Template for the CN when generating keys', group: GROUP, target: { kind: 'global', key: 'genkeyCommonName' } },
  { short: '-B', long: '--auto-bump', value: 'none', help: 'Automatically bump image version after building', group: GROUP, target: { kind: 'global', key: 'autoBump' } },
  { long: '--doc-format', value: 'required', metavar: 'FORMAT', choices: DOC_FORMATS, help: 'The format to show documentation in', group: GROUP, target: { kind: 'global', key: 'docFormat' } },
  { long: '--json', value: 'none', help: 'Show summary as JSON', group: GROUP, target: { kind: 'global', key: 'json' } },
  { short: '-w', long: '--wipe-build-dir', value: 'none', help: 'Remove the build directory before building the image', group: GROUP, target: { kind: 'global', key: 'wipeBuildDir' } },
  { short: '-R', long: '--rerun-build-scripts', value: 'none', help: 'Run build scripts even if the image is not rebuilt', group: GROUP, target: { kind: 'global', key: 'rerunBuildScripts' } },
  { short: '-h', long: '--help', value: 'none', help: 'Show this help', group: GROUP, target: { kind: 'global', key: 'help' } },
  { long: '--version', value: 'none', help: "Show mkb's version and the mkosi version it implements", group: GROUP, target: { kind: 'global', key: 'version' } },
  // Options of older mkosi versions, still accepted and ignored (as mkosi 27.1 does).
  { long: '--nspawn-keep-unit', value: 'none', help: 'Ignored (legacy)', group: GROUP, hidden: true, target: { kind: 'ignored' } },
  { long: '--default', value: 'required', metavar: 'PATH', help: 'Ignored (legacy)', group: GROUP, hidden: true, target: { kind: 'ignored' } },
  { long: '--cache', value: 'required', metavar: 'PATH', help: 'Ignored (legacy)', group: GROUP, hidden: true, target: { kind: 'ignored' } },
  { long: '--runtime-scratch', value: 'required', metavar: 'MODE', help: 'Ignored (legacy)', group: GROUP, hidden: true, target: { kind: 'ignored' } },
];

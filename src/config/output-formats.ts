import type { Compression } from './values/compression.js';

/** `Format=` values (mkosi's OutputFormat), in mkosi's order (the order of `--format`'s choices). */
export const OUTPUT_FORMATS = [
  'confext', 'cpio', 'directory', 'disk', 'esp', 'none', 'portable', 'sysext', 'tar', 'uki', 'oci', 'addon',
] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputFormatFacts {
  /** `OutputExtension=` default; empty for formats whose output is a directory (or nothing). */
  readonly extension: string;
  /** `CompressOutput=` default. */
  readonly compression: Compression;
}

export const OUTPUT_FORMAT_FACTS: Readonly<Record<OutputFormat, OutputFormatFacts>> = {
  confext: { extension: 'raw', compression: 'none' },
  cpio: { extension: 'cpio', compression: 'zstd' },
  directory: { extension: '', compression: 'none' },
  disk: { extension: 'raw', compression: 'none' },
  esp: { extension: 'raw', compression: 'zstd' },
  none: { extension: '', compression: 'none' },
  portable: { extension: 'raw', compression: 'none' },
  sysext: { extension: 'raw', compression: 'none' },
  tar: { extension: 'tar', compression: 'zstd' },
  uki: { extension: 'efi', compression: 'zstd' },
  oci: { extension: '', compression: 'gz' },
  addon: { extension: 'efi', compression: 'zstd' },
};

export function isOutputFormat(value: unknown): value is OutputFormat {
  return typeof value === 'string' && (OUTPUT_FORMATS as readonly string[]).includes(value);
}

/** Facts of a format; anything else (never produced by the parser) is treated as `disk`. */
export function outputFormatFacts(format: unknown): OutputFormatFacts {
  return OUTPUT_FORMAT_FACTS[isOutputFormat(format) ? format : 'disk'];
}

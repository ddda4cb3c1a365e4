// Names and side files of an image output: `<Output>[.<ext>][.<compression>]`, SHA256SUMS, the JSON
// manifest and the `<Output>` symlink, as mkosi lays them out (reference §5).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPRESSION_SUFFIX } from '../../output/archive.js';
import type { Compression } from '../../output/archive.js';
import type { Settings } from '../../types.js';
import { str } from '../image-settings.js';

export type OutputFormat = 'directory' | 'tar' | 'cpio' | 'none';

export const SUPPORTED_FORMATS: readonly OutputFormat[] = ['directory', 'tar', 'cpio', 'none'];

/** CompressOutput= as a compressor (mkosi's JSON uses `zstd`, `xz`, `gz`, `none`, or false). */
export function compression(settings: Settings): Compression {
  const v = settings['CompressOutput'];
  if (v === 'zstd' || v === 'xz' || v === 'none') return v;
  if (v === 'gz' || v === 'gzip') return 'gz';
  return 'none';
}

/** The main file name: Output + its extension + the compression suffix (directories: Output). */
export function outputFileName(settings: Settings, format: OutputFormat): string {
  const output = str(settings, 'Output') ?? 'image';
  if (format === 'directory' || format === 'none') return output;
  const ext = str(settings, 'OutputExtension') ?? format;
  return `${output}.${ext}${COMPRESSION_SUFFIX[compression(settings)]}`;
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `<Output>.SHA256SUMS`: `<sha256> *<name>` for every regular file of the output, sorted. */
export async function writeChecksums(dir: string, output: string): Promise<void> {
  const lines: string[] = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!(await lstat(join(dir, name))).isFile()) continue;
    lines.push(`${await sha256(join(dir, name))} *${name}\n`);
  }
  await writeFile(join(dir, `${output}.SHA256SUMS`), lines.join(''));
}

/** `<Output>.manifest` (ManifestFormat=json): the image's identity and its packages, laid out as mkosi 27.1 writes it. */
export async function writeManifest(options: { dir: string; settings: Settings; format: OutputFormat; packagesJson: string }): Promise<void> {
  const s = options.settings;
  const packages = JSON.parse(await readFile(options.packagesJson, 'utf8')) as unknown[];
  const config: Record<string, string> = {
    name: str(s, 'ImageId') ?? 'image', distribution: str(s, 'Distribution') ?? 'custom',
    architecture: str(s, 'Architecture') ?? 'x86-64', output_format: options.format,
  };
  const version = str(s, 'ImageVersion');
  if (version !== undefined) config['version'] = version;
  const release = str(s, 'Release');
  if (release !== undefined) config['release'] = release;
  // mkosi writes no manifest when there is nothing to list.
  if (packages.length === 0) return;
  const manifest = { manifest_version: 1, config, packages, extension: {} };
  await writeFile(join(options.dir, `${str(s, 'Output') ?? 'image'}.manifest`), JSON.stringify(manifest, null, 2));
}

// Builders for loader tests: a config tree in a temp directory, fake host facts, and a one-call load.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { loadConfig } from '../../src/config/load/load-config.js';
import type { CliAssignment, ImageJson, LoadedConfig } from '../../src/config/load/types.js';
import type { HostFacts } from '../../src/config/settings/types.js';
import { tempDir } from './temp-dir.js';

/** File contents by relative path; `{ mode, text }` for executables and secrets; a trailing `/` makes a directory. */
export type TreeSpec = Readonly<Record<string, string | { readonly mode: number; readonly text: string }>>;

export async function configTree(spec: TreeSpec): Promise<string> {
  const root = await tempDir('mkb-config-');
  for (const [path, content] of Object.entries(spec)) {
    const full = join(root, path);
    if (path.endsWith('/')) {
      await mkdir(full, { recursive: true });
      continue;
    }
    await mkdir(dirname(full), { recursive: true });
    const text = typeof content === 'string' ? content : content.text;
    await writeFile(full, text);
    await chmod(full, typeof content === 'string' ? 0o644 : content.mode);
  }
  return root;
}

export function fakeHost(overrides: Partial<HostFacts> = {}): HostFacts {
  let n = 0;
  return {
    distribution: 'debian', release: 'bookworm', architecture: 'x86-64', env: {}, home: '/home/test',
    directory: null, caBundle: null, uid: 0,
    randomUuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
    systemdVersion: () => Promise.resolve('257'),
    ...overrides,
  };
}

export const RESOURCES = join(import.meta.dirname, '../../resources');

/** `--flag` style helper: `cli('Packages', 'a')`. */
export function cli(setting: string, raw: string): CliAssignment {
  return { setting, raw, option: `--${setting.toLowerCase()}` };
}

export interface LoadTreeOptions {
  readonly cli?: readonly CliAssignment[];
  readonly host?: Partial<HostFacts>;
}

export async function loadTree(dir: string, options: LoadTreeOptions = {}): Promise<LoadedConfig> {
  return loadConfig({
    directory: dir, cli: options.cli ?? [], verb: 'summary', force: 0, cwd: dir,
    host: fakeHost({ directory: dir, ...options.host }), resourcesDir: RESOURCES,
  });
}

/** The main image (last) of a loaded config. */
export function mainImage(loaded: LoadedConfig): ImageJson {
  const main = loaded.images.at(-1);
  if (!main) throw new Error('no images');
  return main;
}

export function image(loaded: LoadedConfig, name: string): ImageJson {
  const found = loaded.images.find((i) => i['Image'] === name);
  if (!found) throw new Error(`no image ${name} in ${loaded.images.map((i) => String(i['Image'])).join(', ')}`);
  return found;
}

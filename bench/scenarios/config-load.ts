import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, ensureMkosi, pythonInterpreter, repoRoot } from '../../test/support/mkosi.js';
import type { PairScenario } from '../harness/types.js';

const IMAGES = 10;
const DROP_INS = 20;

/** One drop-in of a realistic mix: packages, a match, environment, trees and scalar overrides. */
function dropIn(image: string, index: number): string {
  const lines = [
    '[Match]', `Distribution=debian`, '',
    '[Content]', `Packages=pkg-${image}-${index}-a pkg-${image}-${index}-b`, `RemoveFiles=/usr/share/doc/${image}-${index}`,
    index % 4 === 0 ? 'WithDocs=no' : 'WithRecommends=no', '',
    '[Build]', `Environment=VAR_${index}=${image}-value-${index}`, '',
  ];
  if (index % 5 === 0) lines.push('[Output]', `CompressLevel=${index % 9}`, '');
  return lines.join('\n');
}

/** Writes a tree of one main image and IMAGES-1 subimages, each with DROP_INS drop-ins. */
export async function writeConfigTree(root: string): Promise<void> {
  const writeImage = async (dir: string, name: string, conf: string): Promise<void> => {
    await mkdir(join(dir, 'mkosi.conf.d'), { recursive: true });
    await writeFile(join(dir, 'mkosi.conf'), conf);
    for (let i = 0; i < DROP_INS; i++) {
      await writeFile(join(dir, 'mkosi.conf.d', `${String(i).padStart(2, '0')}-${name}.conf`), dropIn(name, i));
    }
  };
  const subimages = Array.from({ length: IMAGES - 1 }, (_, i) => `sub${i}`);
  await writeImage(root, 'main', [
    '[Distribution]', 'Distribution=debian', 'Release=bookworm', '',
    '[Output]', 'Format=directory', 'ImageId=bench', '',
    '[Config]', `Dependencies=${subimages.join(' ')}`, '',
  ].join('\n'));
  for (const name of subimages) {
    await writeImage(join(root, 'mkosi.images', name), name, ['[Output]', 'Format=directory', ''].join('\n'));
  }
}

export const configLoadScenario: PairScenario = {
  id: 'config-load',
  title: `summary --json of ${IMAGES} images × ${DROP_INS} drop-ins`,
  goal: 0.3,
  async setup() {
    const root = await mkdtemp(join(tmpdir(), 'mkb-bench-config-'));
    await writeConfigTree(root);
    const mkosi = await ensureMkosi();
    const env = baseEnv();
    const mkb = { argv: [process.execPath, join(repoRoot(), 'dist/bin/main.js'), '-C', root, 'summary', '--json'], cwd: root, env };
    const mkosiCommand = {
      argv: [pythonInterpreter(), '-m', 'mkosi', '-C', root, 'summary', '--json'], cwd: root,
      env: { ...env, PYTHONPATH: mkosi.pythonPath },
    };
    return {
      mkb: () => Promise.resolve(mkb), mkosi: () => Promise.resolve(mkosiCommand),
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  },
};

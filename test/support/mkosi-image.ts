// Builds a prepared configuration directory with the real mkosi 27.1 (Format=directory, no tools tree, the
// host's Debian archive as LocalMirror=: mkosi 27 adds a debian-debug repository that Mirror= would send to
// the archive too), and keeps the image under /var/cache/mkb-test for a few hours, keyed by the config's
// contents, so reruns compare against it without another mkosi build.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rename, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { findDebianArchive, readHostAptSources } from './apt-sources.js';
import { TEST_CACHE } from './apt-test-env.js';
import { MKOSI_VERSION, runMkosi } from './mkosi.js';

const IMAGES = join(TEST_CACHE, 'mkosi-images');
const TTL_MS = 6 * 3600_000;

/** The config's own mkosi.output/ (where mkb may have built already) is neither hashed nor copied. */
const isOutput = (config: string, path: string): boolean => path === join(config, 'mkosi.output') || path.startsWith(join(config, 'mkosi.output/'));

async function digestTree(dir: string): Promise<string> {
  const hash = createHash('sha256').update(`mkosi ${MKOSI_VERSION}\0`);
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).map((e) => join(e.parentPath, e.name));
  for (const entry of entries.filter((e) => !isOutput(dir, e)).sort()) {
    hash.update(`${entry.slice(dir.length)}\0`);
    if (statSync(entry).isFile()) hash.update(await readFile(entry));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The image mkosi 27.1 builds from a copy of `configDir`, named `output` (its Output=). `label` names the
 * cache entry; older entries of the same label are removed.
 */
export async function mkosiImage(o: { label: string; configDir: string; output: string }): Promise<string> {
  const key = await digestTree(o.configDir);
  const cached = join(IMAGES, `${o.label}-${key}`);
  if (existsSync(join(cached, o.output)) && Date.now() - statSync(cached).mtimeMs < TTL_MS) return join(cached, o.output);
  const archive = findDebianArchive(readHostAptSources());
  if (archive === undefined) throw new Error('mkosi image: no Debian archive in the host\'s apt sources; the comparison builds from it');
  await mkdir(IMAGES, { recursive: true });
  // On the cache's file system, so the finished image is renamed into place, never copied.
  const work = await mkdtemp(`${cached}.build-`);
  try {
    const config = join(work, 'config');
    await cp(o.configDir, config, { recursive: true, verbatimSymlinks: true, filter: (source) => !isOutput(o.configDir, source) });
    await mkdir(join(config, 'mkosi.output'));
    const r = await runMkosi([`--local-mirror=${archive.uri}`, '-f', 'build'], { cwd: config, timeoutMs: 40 * 60_000 });
    if (r.exitCode !== 0) throw new Error(`mkosi image: \`${r.command}\` exited with ${r.exitCode}:\n${r.stderr.split('\n').slice(-30).join('\n')}`);
    for (const old of (await readdir(IMAGES)).filter((n) => n.startsWith(`${o.label}-`) && !n.includes('.build-'))) {
      await rm(join(IMAGES, old), { recursive: true, force: true });
    }
    await mkdir(cached);
    await rename(join(config, 'mkosi.output', o.output), join(cached, o.output));
    const now = new Date();
    await utimes(cached, now, now);
    return join(cached, o.output);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

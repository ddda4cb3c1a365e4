// The shared state of the build scenarios (S1–S5) in one bench run: an mkb side and an mkosi side, each with
// warm package caches, and notes for the results saying which tools each side used.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { findDebianArchive, readHostAptSources } from '../../test/support/apt-sources.js';
import { baseEnv, ensureMkosi, pythonInterpreter, repoRoot } from '../../test/support/mkosi.js';
import { withoutHosts } from '../harness/without-hosts.js';
import { createSide, type BuildSide } from './build-side.js';
import { ensureToolsTree } from './tools-tree.js';

/** Packages S4 adds, one per round, so that no round finds its addition already built. */
export const ADDED_PACKAGES = ['less', 'file', 'bc', 'tree', 'nano', 'psmisc', 'lsof', 'patch', 'rsync'] as const;

const CONFIG = 'debian-systemd';
const DEFAULT_KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';

export interface BuildWorkspace {
  readonly mkb: BuildSide;
  readonly mkosi: BuildSide;
  /** What the results should say about this setup (mirror use, tools, caches). */
  readonly notes: readonly string[];
  dispose(): Promise<void>;
}

async function hostVersion(pkg: string): Promise<string> {
  const r = await execa('dpkg-query', ['-W', '-f', '${Version}', pkg], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : 'not installed';
}

/** Creates both sides, decides mkosi's tools, and warms both package caches with every package a scenario uses. */
export async function createBuildWorkspace(log: (line: string) => void): Promise<BuildWorkspace> {
  const archive = findDebianArchive(readHostAptSources());
  if (archive === undefined) throw new Error('bench: no Debian archive in the host\'s apt sources; the build scenarios use it as LocalMirror=');
  const cache = join(repoRoot(), '.cache', 'bench');
  const scratch = await mkdtemp(join(tmpdir(), 'mkb-bench-builds-'));
  const mkosiInstall = await ensureMkosi();
  const env = baseEnv();
  const side = (tool: 'mkb' | 'mkosi', toolsTree?: string): Promise<BuildSide> => createSide({
    tool, source: join(repoRoot(), 'bench', 'configs', CONFIG), dir: join(scratch, tool), packageCache: join(cache, 'packages', tool),
    mirror: archive.uri,
    ...(tool === 'mkb'
      ? { program: [process.execPath, join(repoRoot(), 'dist/bin/main.js')], env, toolOptions: [], verbOptions: ['--reporter', 'plain'] }
      : {
        program: [pythonInterpreter(), '-m', 'mkosi'], env: { ...env, PYTHONPATH: mkosiInstall.pythonPath }, verbOptions: [],
        // mkosi rebuilds an image only with -f; --incremental=yes makes that start from its cached image.
        toolOptions: ['--incremental=yes', '-f', ...(toolsTree === undefined ? [] : [`--tools-tree=${toolsTree}`])],
      }),
  });
  const warm = ADDED_PACKAGES.map((p) => `--package=${p}`);
  const notes = [
    `Builds: bench/configs/${CONFIG}, both tools with LocalMirror= set to the host's Debian archive (main suite only) `
      + `and their own package cache (mkosi keeps packages under <dir>/cache/apt/archives, mkb in <dir> itself), `
      + `warmed by an untimed build with every package a scenario adds.`,
    `mkb: host tools (apt ${await hostVersion('apt')}, dpkg ${await hostVersion('dpkg')}, bubblewrap ${await hostVersion('bubblewrap')}); `
      + 'mkb does not use ToolsTree= yet.',
  ];
  log('  warming mkb\'s package cache');
  const mkb = await side('mkb');
  await mkb.build(warm);
  let mkosi: BuildSide;
  try {
    const tools = await ensureToolsTree({ cacheDir: cache, mirror: archive.uri, keyring: archive.signedBy ?? DEFAULT_KEYRING, log });
    log('  warming mkosi\'s package cache (with the tools tree)');
    mkosi = await side('mkosi', tools.path);
    await mkosi.build(warm);
    notes.push(`mkosi 27.1: tools tree Debian trixie made by debootstrap (systemd ${tools.systemdVersion}), --tools-tree=.cache/bench/tools-trixie.`);
  } catch (error) {
    const reason = withoutHosts((error instanceof Error ? error.message : String(error)).split('\n').slice(-8).join(' ⏎ '));
    log(`  mkosi with the tools tree failed, falling back to host tools: ${reason}`);
    mkosi = await side('mkosi');
    await mkosi.build(warm);
    notes.push(`mkosi 27.1: host tools (systemd ${await hostVersion('systemd')}), because with the trixie tools tree: ${reason}`);
  }
  return { mkb, mkosi, notes, dispose: () => rm(scratch, { recursive: true, force: true }) };
}

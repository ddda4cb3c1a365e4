// Kernel module and firmware filtering against the real mkosi 27.1: two small bookworm configs with a kernel,
// each built once by both tools from the host's Debian archive, then everything under /usr/lib/modules and
// /usr/lib/firmware compared entry by entry (type, mode, owner, symlink target, content digest). Every
// difference must be named below with its reason; an expected difference that no longer occurs fails the test too.
// - fixtures/builds/bookworm-kernel-modules: KernelModules= with `default`, globs, an exclude glob and a regex
//   form; FirmwareFiles= with a subtree, an exclude and a leading-slash glob.
// - fixtures/builds/bookworm-kernel-modules-exclude: KernelModulesExclude= and FirmwareExclude= (every module's
//   dependencies are resolved; depmod reruns), with KernelModules=/FirmwareFiles= bringing some back.
import { access, cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findDebianArchive, readHostAptSources } from '../support/apt-sources.js';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites } from '../support/apt-test-env.js';
import { mkbBuild } from '../support/mkb-build.js';
import { runMkosi } from '../support/mkosi.js';
import type { ComparedEntry, ExpectedDifference, TreeDifference } from '../support/tree-diff.js';
import { classifyDifferences, diffEntries, formatDifferences, readTree } from '../support/tree-diff.js';
import { walkTree } from '../../src/util/walk-tree.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/builds');
const IMAGE = 'kmods';
// Its own store, as in build-differential.test.ts: node ids are not namespaced per configuration.
const STORE = join(TEST_CACHE, 'kernel-modules-store');
const COMPARED = ['usr/lib/modules', 'usr/lib/firmware'] as const;

const EXPECTED: readonly ExpectedDifference[] = [];

let work: string;
let mirror: string;

/** The entries below the compared directories, keyed by their path in the image. */
async function readCompared(tree: string): Promise<Map<string, ComparedEntry>> {
  const out = new Map<string, ComparedEntry>();
  for (const dir of COMPARED) {
    for (const [path, entry] of await readTree(join(tree, dir))) out.set(`${dir}/${path}`, entry);
  }
  return out;
}

interface Built {
  readonly mkosi: string;
  readonly mkb: string;
  readonly differences: readonly TreeDifference[];
}

/** Builds the fixture with mkosi, then with mkb (one after the other: the machine is shared), and compares. */
async function buildBoth(fixture: string): Promise<Built> {
  const dirs: string[] = [];
  for (const tool of ['mkosi', 'mkb']) {
    const dir = join(work, fixture, tool);
    await cp(join(FIXTURES, fixture), dir, { recursive: true, verbatimSymlinks: true });
    dirs.push(dir);
  }
  const [mkosiDir = '', mkbDir = ''] = dirs;
  const mkosi = await runMkosi([mirror, `--package-cache-dir=${join(TEST_CACHE, 'mkosi-packages')}`, '-f', 'build'], { cwd: mkosiDir, timeoutMs: 30 * 60_000 });
  if (mkosi.exitCode !== 0) throw new Error(`${fixture}: ${mkosi.command} exited with ${mkosi.exitCode}:\n${mkosi.stderr.slice(-4000)}`);
  const mkb = await mkbBuild({ dir: mkbDir, store: STORE, packages: PACKAGE_CACHE, args: [mirror] });
  if (mkb.exitCode !== 0) throw new Error(`${fixture}: mkb build exited with ${mkb.exitCode}:\n${mkb.stderr.slice(-4000)}`);
  const trees = { mkosi: join(mkosiDir, IMAGE), mkb: join(mkbDir, IMAGE) };
  return { ...trees, differences: diffEntries(await readCompared(trees.mkosi), await readCompared(trees.mkb)) };
}

let selected: Built;
let excluded: Built;

beforeAll(async () => {
  requirePrerequisites();
  // mkosi identifies the installed kernel's type with python's pefile (setup.ts installs python3-pefile).
  await access('/usr/lib/python3/dist-packages/pefile.py').catch(() => {
    throw new Error('kernel module test: python3-pefile is missing on the host; mkosi 27.1 needs it for an image with a kernel (test/integration/setup.ts installs it)');
  });
  const archive = findDebianArchive(readHostAptSources());
  if (archive === undefined) throw new Error('kernel module test: the host\'s apt sources name no Debian archive; both builds need one (LocalMirror=)');
  mirror = `--local-mirror=${archive.uri}`;
  work = await mkdtemp(join(tmpdir(), 'mkb-kernel-modules-'));
  selected = await buildBoth('bookworm-kernel-modules');
  excluded = await buildBoth('bookworm-kernel-modules-exclude');
});

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

async function kernelDir(tree: string): Promise<string> {
  const versions = await readdir(join(tree, 'usr/lib/modules'));
  expect(versions, 'one kernel in the image').toHaveLength(1);
  return join(tree, 'usr/lib/modules', versions[0] ?? '');
}

async function moduleNames(tree: string): Promise<string[]> {
  return walkTree(await kernelDir(tree)).filter((e) => /\.ko(\.(xz|zst|gz))?$/.test(e)).map((e) => e.slice(e.lastIndexOf('/') + 1).replace(/\.ko.*$/, '')).sort();
}

describe.each([
  ['selections (bookworm-kernel-modules)', () => selected],
  ['exclusions (bookworm-kernel-modules-exclude)', () => excluded],
] as const)('mkosi 27.1 and mkb keep the same modules and firmware: %s', (_name, built) => {
  test('every difference under /usr/lib/modules and /usr/lib/firmware is expected and explained', () => {
    const { unexpected } = classifyDifferences(built().differences, EXPECTED);
    const listing = formatDifferences(unexpected, { left: 'mkosi', right: 'mkb' });
    expect(unexpected, `${unexpected.length} unexpected differences (mkosi: ${built().mkosi}, mkb: ${built().mkb}):\n${listing}`).toEqual([]);
  });

  test('every expected difference still occurs (the list stays honest)', () => {
    const { unused } = classifyDifferences(built().differences, EXPECTED);
    expect(unused.map((e) => `${e.path}: ${e.why}`), 'these expected differences no longer occur; remove them from EXPECTED').toEqual([]);
  });
});

describe('the selections did what the configs ask (so an empty or unfiltered comparison cannot pass)', () => {
  test('KernelModules= and FirmwareFiles= alone keep only what they select, with dependencies and needed firmware', async () => {
    for (const tree of [selected.mkosi, selected.mkb]) {
      const names = await moduleNames(tree);
      // Far fewer than the kernel's ~4000 modules, and none of the ones nothing selects.
      expect(names.length).toBeGreaterThan(100);
      expect(names.length).toBeLessThan(600);
      expect(names).not.toContain('e1000e');
      // default (mkosi-initrd's list) with a dependency (jbd2 for ext4) and a subtree (/fs/nls/).
      expect(names).toEqual(expect.arrayContaining(['ext4', 'jbd2', 'mbcache', 'nls_utf8', 'virtio_blk']));
      // Globs: a path below kernel/, a subtree less one module (last match wins), a module with dependencies and firmware.
      expect(names).toEqual(expect.arrayContaining(['dummy', 'fat', 'msdos', 'carl9170', 'ath', 'mac80211', 'cfg80211']));
      expect(names).not.toContain('vfat');
      // KernelModulesInclude= (a regex) with its dependencies.
      expect(names).toEqual(expect.arrayContaining(['isci', 'libsas', 'scsi_transport_sas']));
      const firmware = walkTree(join(tree, 'usr/lib/firmware')).sort();
      expect(firmware).toEqual(['carl9170-1.fw', 'cis', 'cis/NE2K.cis', 'isci', 'isci/isci_firmware.bin', 'keyspan_pda', 'keyspan_pda/keyspan_pda.fw']);
    }
  });

  test('as in mkosi 27.1, deleting modules with KernelModules= alone does not rerun depmod: modules.dep still names removed ones', async () => {
    for (const tree of [selected.mkosi, selected.mkb]) {
      const dep = await readFile(join(await kernelDir(tree), 'modules.dep'), 'utf8');
      expect(dep).toContain('/e1000e.ko');
    }
  });

  test('KernelModulesExclude= keeps every other module, less the excluded ones KernelModules= does not bring back; depmod reruns', async () => {
    for (const tree of [excluded.mkosi, excluded.mkb]) {
      const names = await moduleNames(tree);
      expect(names.length).toBeGreaterThan(3000);
      expect(names).toEqual(expect.arrayContaining(['e1000e', 'ext4', 'carl9170', 'ath']));
      expect(names).not.toContain('iwlwifi');
      expect(names).not.toContain('isci');
      const dep = await readFile(join(await kernelDir(tree), 'modules.dep'), 'utf8');
      expect(dep).not.toContain('/iwlwifi.ko');
      expect(dep).toContain('/carl9170.ko');
      // carl9170's firmware and the modules' others, less FirmwareExclude= (cis/) and the negative glob; plus dsp56k/.
      const firmware = walkTree(join(tree, 'usr/lib/firmware')).sort();
      expect(firmware).toEqual(expect.arrayContaining(['carl9170-1.fw', 'dsp56k/bootstrap.bin', 'keyspan_pda/xircom_pgs.fw']));
      expect(firmware.filter((f) => f.startsWith('cis') || f === 'keyspan_pda/keyspan_pda.fw' || f.startsWith('isci'))).toEqual([]);
    }
  });
});

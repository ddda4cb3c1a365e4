// The differential tree test: the same small bookworm config (fixtures/builds/bookworm-differential) built by
// the real mkosi 27.1 and by mkb, both from the host's Debian archive through LocalMirror= (mkosi's Mirror=
// would also add a debian-debug repository), then the two directory images compared path by path: types,
// modes, owners, symlink targets, content digests and xattrs (test/support/tree-diff.ts).
//
// Every difference must be named below with its reason; any other fails the test with a listing. An expected
// difference that no longer occurs fails it too, so the list never goes stale.
import { access, cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findDebianArchive, readHostAptSources } from '../support/apt-sources.js';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites } from '../support/apt-test-env.js';
import { mkbBuild } from '../support/mkb-build.js';
import { runMkosi } from '../support/mkosi.js';
import type { ExpectedDifference, TreeDifference } from '../support/tree-diff.js';
import { classifyDifferences, diffTrees, formatDifferences } from '../support/tree-diff.js';

const FIXTURE = resolve(import.meta.dirname, '../../fixtures/builds/bookworm-differential');
/** Output= defaults to ImageId=; neither tool has an OutputDirectory here, so the image lands in the config directory. */
const IMAGE = 'diff';
// Its own store: node ids (main/package-lock, …) are not namespaced per configuration, and the history of
// another fixture's `main` image would turn this build into a package-delta of that one.
const STORE = join(TEST_CACHE, 'differential-store');

/** mkb removes what only records one particular run, so that two mkb builds give equal trees; mkosi 27.1 keeps these. */
const RUN_LEFTOVERS = 'mkb removes it after installing packages: a record of this particular run, whose content depends on how the install was split into dpkg runs';

const EXPECTED: readonly ExpectedDifference[] = [
  // /etc/shadow does not differ: with systemd in the image it is created by systemd's sysusers run with only
  // systemd-network in it, and the host's systemd-firstboot (252) adds no root entry in either build.
  {
    path: 'usr/lib/credstore/passwd.hashed-password.root', aspects: ['content'],
    why: "root's password hash: mkosi salts at random, mkb derives the salt from the password (a reproducible tree; docs/image-builds.md)",
  },
  { path: 'var/log/alternatives.log', aspects: ['only-left'], why: `update-alternatives' log with timestamps: ${RUN_LEFTOVERS}` },
  { path: 'var/cache/ldconfig/aux-cache', aspects: ['only-left'], why: `ldconfig's cache of inode numbers and mtimes: ${RUN_LEFTOVERS}` },
  { path: 'var/lib/dpkg/*-old', aspects: ['only-left'], why: `dpkg's backup of its database before the last run: ${RUN_LEFTOVERS}` },
  { path: 'var/cache/debconf/*-old', aspects: ['only-left'], why: `debconf's backup of its database before the last run: ${RUN_LEFTOVERS}` },
];

let work: string;
let mkosiTree: string;
let mkbTree: string;
let differences: TreeDifference[] = [];

async function copyFixture(name: string): Promise<string> {
  const dir = join(work, name);
  await cp(FIXTURE, dir, { recursive: true, verbatimSymlinks: true });
  return dir;
}

beforeAll(async () => {
  requirePrerequisites();
  const archive = findDebianArchive(readHostAptSources());
  if (archive === undefined) throw new Error('differential build test: the host\'s apt sources name no Debian archive; both builds need one (LocalMirror=)');
  const mirror = `--local-mirror=${archive.uri}`;
  work = await mkdtemp(join(tmpdir(), 'mkb-differential-'));
  const [mkosiDir, mkbDir] = await Promise.all([copyFixture('mkosi'), copyFixture('mkb')]);
  // One after the other: the machine is shared, and each build alone keeps two cores busy.
  const mkosi = await runMkosi([mirror, `--package-cache-dir=${join(TEST_CACHE, 'mkosi-packages')}`, '-f', 'build'], { cwd: mkosiDir, timeoutMs: 30 * 60_000 });
  if (mkosi.exitCode !== 0) throw new Error(`${mkosi.command} exited with ${mkosi.exitCode}:\n${mkosi.stderr.slice(-4000)}`);
  const mkb = await mkbBuild({ dir: mkbDir, store: STORE, packages: PACKAGE_CACHE, args: [mirror] });
  if (mkb.exitCode !== 0) throw new Error(`mkb build exited with ${mkb.exitCode}:\n${mkb.stderr.slice(-4000)}`);
  mkosiTree = join(mkosiDir, IMAGE);
  mkbTree = join(mkbDir, IMAGE);
  differences = await diffTrees(mkosiTree, mkbTree);
});

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe('mkosi 27.1 and mkb build the same tree from the same config', () => {
  test('every difference is expected and explained', () => {
    const { unexpected } = classifyDifferences(differences, EXPECTED);
    const listing = formatDifferences(unexpected, { left: 'mkosi', right: 'mkb' });
    expect(unexpected, `${unexpected.length} unexpected differences (mkosi: ${mkosiTree}, mkb: ${mkbTree}):\n${listing}`).toEqual([]);
  });

  test('every expected difference still occurs (the list stays honest)', () => {
    const { unused } = classifyDifferences(differences, EXPECTED);
    expect(unused.map((e) => `${e.path}: ${e.why}`), 'these expected differences no longer occur; remove them from EXPECTED').toEqual([]);
  });

  test('both trees are whole images with the content of the config (so an empty comparison cannot pass)', async () => {
    for (const tree of [mkosiTree, mkbTree]) {
      expect(await readFile(join(tree, 'etc/hello'), 'utf8')).toBe('hello from the extra tree\n');
      expect(await readFile(join(tree, 'etc/skeleton-marker'), 'utf8')).toBe('from the skeleton\n');
      expect(await readFile(join(tree, 'etc/postinst-marker'), 'utf8')).toBe('postinst ran for debian bookworm\n');
      expect(await readFile(join(tree, 'etc/hostname'), 'utf8')).toBe('diffhost\n');
      for (const bin of ['usr/bin/tree', 'usr/bin/less', 'usr/lib/systemd/systemd']) await access(join(tree, bin));
    }
  });
});

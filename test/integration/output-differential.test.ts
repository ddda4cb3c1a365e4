// The published layout of a tar image, built from one config by mkosi 27.1 and by mkb: file names, the
// `<Output>` symlink, OutputMode= on regular files, what SHA256SUMS lists, the split os-release and the
// manifest's identity. mkosi 27.1 fetches changelogs from Debian's online changelog service, which this
// machine cannot reach, so only mkb's side asks for ManifestFormat=changelog (its name is checked).
import { lstat, mkdir, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findDebianArchive, readHostAptSources } from '../support/apt-sources.js';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites } from '../support/apt-test-env.js';
import { copyFixture, mkbBuild } from '../support/mkb-build.js';
import { runMkosi } from '../support/mkosi.js';

const CONFIG = (manifests: string) => `[Distribution]
Distribution=debian
Release=bookworm

[Output]
Format=tar
ImageId=small
ImageVersion=1.0
ManifestFormat=${manifests}
SplitArtifacts=os-release
OutputMode=0640
OutputDirectory=out

[Validation]
Checksum=yes

[Content]
Packages=less
SourceDateEpoch=1700000000
`;

interface Published {
  readonly names: string[];
  readonly links: Record<string, string>;
  readonly modes: Record<string, string>;
  readonly sums: string[];
  readonly osRelease: string;
  readonly config: unknown;
}

async function published(out: string): Promise<Published> {
  const names = (await readdir(out)).filter((n) => !n.startsWith('.')).sort();
  const links: Record<string, string> = {};
  const modes: Record<string, string> = {};
  for (const n of names) {
    const st = await lstat(join(out, n));
    if (st.isSymbolicLink()) links[n] = await readlink(join(out, n));
    else modes[n] = (st.mode & 0o7777).toString(8);
  }
  const sums = (await readFile(join(out, 'small_1.0.SHA256SUMS'), 'utf8')).split('\n').filter((l) => l !== '').map((l) => l.split(' *')[1] ?? '').sort();
  const manifest = JSON.parse(await readFile(join(out, 'small_1.0.manifest'), 'utf8')) as { config: unknown };
  return { names, links, modes, sums, osRelease: await readFile(join(out, 'small_1.0.osrelease'), 'utf8'), config: manifest.config };
}

let dir: string;

beforeAll(async () => {
  requirePrerequisites();
  dir = dirname(await copyFixture('bookworm-small'));
});

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('a tar image with split os-release, manifests and OutputMode=, by both tools', () => {
  test('publishes the same names, link, modes, checksummed files, os-release and manifest identity', async () => {
    const archive = findDebianArchive(readHostAptSources());
    if (archive === undefined) throw new Error('this test needs the host\'s Debian archive in /etc/apt');
    const mkosiDir = join(dir, 'mkosi');
    const mkbDir = join(dir, 'mkb');
    for (const [d, manifests] of [[mkosiDir, 'json'], [mkbDir, 'json,changelog']] as const) {
      await mkdir(join(d, 'out'), { recursive: true });
      await writeFile(join(d, 'mkosi.conf'), CONFIG(manifests));
    }
    // LocalMirror=, not Mirror=: mkosi 27 adds a debug repository that mirrors may not serve.
    const mkosi = await runMkosi([`--local-mirror=${archive.uri}`, '-f', 'build'], { cwd: mkosiDir, timeoutMs: 3_600_000 });
    expect(mkosi.exitCode, mkosi.stderr.slice(-3000)).toBe(0);
    const mkb = await mkbBuild({ dir: mkbDir, store: join(TEST_CACHE, 'output-differential-store'), packages: PACKAGE_CACHE });
    expect(mkb.exitCode, mkb.stderr).toBe(0);

    const [want, got] = [await published(join(mkosiDir, 'out')), await published(join(mkbDir, 'out'))];
    expect(want.names).toEqual(['small_1.0', 'small_1.0.SHA256SUMS', 'small_1.0.manifest', 'small_1.0.osrelease', 'small_1.0.tar.zst']);
    expect(got.names).toEqual([...want.names, 'small_1.0.changelog'].sort());
    expect(got.links).toEqual(want.links);
    expect(got.modes).toEqual({ ...want.modes, 'small_1.0.changelog': '640' });
    expect(got.sums).toEqual(want.sums);
    expect(got.osRelease).toBe(want.osRelease);
    expect(got.config).toEqual(want.config);
    expect(await readFile(join(mkbDir, 'out/small_1.0.changelog'), 'utf8')).toMatch(/^Packages: \d+\nSize:     \d+\n-{80}\nSourcePackage: /);
  });
});

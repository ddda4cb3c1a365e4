// Bad input through `mkb build` on a real bookworm config (issue 4): an unreachable mirror says so and names
// it; a corrupted store blob is noticed, warned about and rebuilt. In every case the published outputs stay
// intact (never half-written) and `mkb cache verify` passes afterwards. (A failing script and an unknown package
// are covered by build-debian.test.ts.)
import { createHash, randomUUID } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { recordPath } from '../../src/nodes/image/publish.js';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites } from '../support/apt-test-env.js';
import { MKB, copyFixture, mkbBuild } from '../support/mkb-build.js';
import type { BuildRun } from '../support/mkb-build.js';

// Its own store, because one test corrupts a blob in it (other test files and worktrees share build-store).
const STORE = join(TEST_CACHE, 'bad-input-store');
let dir: string;
let out: string;
let first: BuildRun;

const image = (...p: string[]) => join(out, 'small_1.0', ...p);
const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

/** What the output directory holds: the publish record and the image's files that the tests look at. */
async function published(): Promise<Record<string, string>> {
  return {
    record: await readFile(recordPath(out, 'small_1.0'), 'utf8'),
    motd: await readFile(image('etc/motd-extra'), 'utf8'),
    less: await sha256(image('usr/bin/less')),
    entries: (await readdir(out)).sort().join(' '),
  };
}

async function cacheVerify(): Promise<{ exitCode: number; stdout: string }> {
  const r = await execa('node', [MKB, 'cache', 'verify', '--cache-dir', join(STORE, 'mkb')], { reject: false });
  return { exitCode: r.exitCode ?? -1, stdout: `${r.stdout}${r.stderr}` };
}

/** A local TCP port nothing listens on: bound once by us, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const nodeDigest = (r: BuildRun, node: string): string => {
  const done = r.events.find((e) => e.type === 'node-done' && e.node === node);
  if (done?.type !== 'node-done') throw new Error(`no node-done event for ${node}`);
  return done.digest;
};

beforeAll(async () => {
  requirePrerequisites();
  dir = await copyFixture('bookworm-small');
  out = join(dir, 'mkosi.output');
  await mkdir(out);
  first = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
  if (first.exitCode !== 0) throw new Error(`the first build failed (${first.exitCode}):\n${first.stderr}`);
});

afterAll(async () => {
  if (dir !== undefined) await rm(dirname(dir), { recursive: true, force: true });
  await execa('node', [MKB, 'cache', 'gc', '--max-size', '1G', '--cache-dir', join(STORE, 'mkb')]);
});

describe('mkb build with bad input', () => {
  test('an unreachable mirror: the error says so and names it; outputs intact; the store verifies', async () => {
    const before = await published();
    const mirror = `http://127.0.0.1:${await closedPort()}/debian`;
    const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE, args: [`--local-mirror=${mirror}`] });
    expect(r.exitCode).not.toBe(0);
    const failed = r.events.filter((e) => e.type === 'node-failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ node: expect.stringMatching(/^repo-metadata\//) as unknown });
    const text = JSON.stringify(failed[0]);
    expect(text).toContain('the mirror is unreachable (connection refused)');
    expect(text).toContain(mirror);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(await published()).toEqual(before);
    expect(await cacheVerify()).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/ 0 dropped/) as unknown });
  });

  test('a corrupted blob: mkb warns, rebuilds what used it, publishes the right image; the store verifies', async () => {
    const base = nodeDigest(first, 'main/base-install');
    const blob = (digest: string) => join(STORE, 'mkb/cas/blobs', digest.slice(0, 2), digest);
    const manifest = JSON.parse(await readFile(blob(base), 'utf8')) as { entries: { path: string; digest?: string }[] };
    // A file whose bytes come straight from a package, so the rebuilt base restores the very same blob.
    const victim = manifest.entries.find((e) => e.path === 'root/usr/bin/less')?.digest;
    if (victim === undefined) throw new Error('the base tree has no usr/bin/less');
    const good = await sha256(blob(victim));
    await chmod(blob(victim), 0o644);
    await writeFile(blob(victim), 'bit rot');
    // The unpacked copy of the base would hide the damage; without it the next reader must use the blobs.
    await rm(join(STORE, 'mkb/trees', base), { recursive: true, force: true });
    // A change that makes finalize read the base again.
    const motd = `changed ${randomUUID()}\n`;
    await writeFile(join(dir, 'mkosi.extra/etc/motd-extra'), motd);
    const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
    expect(r.exitCode, r.stderr).toBe(0);
    const warnings = r.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
    expect(warnings).toContainEqual(expect.stringMatching(/^the cached output of main\/base-install is corrupt .*rebuilding it for main\/finalize$/));
    expect(r.ran).toContain('main/base-install');
    expect(r.events.some((e) => e.type === 'node-failed')).toBe(false);
    expect(await readFile(image('etc/motd-extra'), 'utf8')).toBe(motd);
    expect(await sha256(image('usr/bin/less'))).toBe(good);
    expect(await sha256(blob(victim))).toBe(good);
    expect((await readdir(out)).filter((n) => n.startsWith('.mkb-'))).toEqual(['.mkb-published.small_1.0.json']);
    expect(await cacheVerify()).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/ 0 dropped/) as unknown });
  });

  test('a corrupted blob found only while publishing: a clear error, nothing published, and the next build repairs it', async () => {
    const warm = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
    expect(warm.exitCode, warm.stderr).toBe(0);
    const output = nodeDigest(warm, 'main/output');
    const manifestBlob = join(STORE, 'mkb/cas/blobs', output.slice(0, 2), output);
    await chmod(manifestBlob, 0o644);
    await writeFile(manifestBlob, 'bit rot');
    await rm(join(STORE, 'mkb/trees', output), { recursive: true, force: true });
    // Without the publish record the output must be copied again, which reads the store.
    await rm(recordPath(out, 'small_1.0'));
    const motd = await readFile(image('etc/motd-extra'), 'utf8');
    const broken = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
    expect(broken.exitCode).not.toBe(0);
    expect(broken.stderr).toMatch(/✗ cannot publish to .*: the stored output is corrupt \(.*\); nothing was published/);
    expect(broken.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(await readFile(image('etc/motd-extra'), 'utf8')).toBe(motd);
    expect((await readdir(out)).filter((n) => n.startsWith('.mkb-'))).toEqual([]);
    const repaired = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
    expect(repaired.exitCode, repaired.stderr).toBe(0);
    expect(repaired.ran).toEqual(['main/output']);
    expect(await readFile(image('etc/motd-extra'), 'utf8')).toBe(motd);
    expect(await cacheVerify()).toMatchObject({ exitCode: 0, stdout: expect.stringMatching(/ 0 dropped/) as unknown });
  });
});

// Differential test of the configuration engine: for every tree in fixtures/configs/, run the real
// mkosi 27.1 and mkb on an identical copy and compare `summary --json` (see summary-compare.ts for the
// short list of what is normalized), or check that both fail for the same reason.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ConfigFixture } from '../support/config-fixtures.js';
import { layOut, loadFixtures, treeText } from '../support/config-fixtures.js';
import type { RunResult } from '../support/mkosi.js';
import { baseEnv, repoRoot, runMkosi } from '../support/mkosi.js';
import type { Json } from '../support/summary-compare.js';
import { diffSummaries, normalizeSummary } from '../support/summary-compare.js';

const ROOT = repoRoot();
const FIXTURES = loadFixtures(join(ROOT, 'fixtures/configs'));
const MKB = join(ROOT, 'dist/bin/main.js');

let scratchRoot = '';
const mkosiResults = new Map<string, RunResult>();

interface Run {
  readonly result: RunResult;
  readonly scratch: string;
}

/**
 * Lays the tree out at `<scratchRoot>/<tree>/<tree>/` (so both tools see the same absolute paths, and the
 * cwd's basename, which mkosi uses as the default `Machine`, is the tree's name), runs `tool` there,
 * and removes the copy again, so that the second tool starts from an identical, fresh copy.
 */
async function inScratch(fixture: ConfigFixture, tool: (cwd: string, env: Record<string, string>) => Promise<RunResult>): Promise<Run> {
  const base = join(scratchRoot, fixture.name);
  const cwd = join(base, fixture.name);
  await rm(base, { recursive: true, force: true });
  await layOut(fixture, cwd);
  // A private HOME, so `~` in a tree expands to the same scratch path for both tools on any host.
  const env = { HOME: join(base, 'home'), ...fixture.env };
  try {
    return { result: await tool(cwd, env), scratch: base };
  } finally {
    await rm(base, { recursive: true, force: true });
  }
}

async function runMkb(args: readonly string[], cwd: string, env: Record<string, string>): Promise<RunResult> {
  const r = await execa(process.execPath, [MKB, ...args], {
    cwd, env: { ...baseEnv(), ...env }, extendEnv: false, reject: false, stdin: 'ignore', timeout: 120_000,
  });
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, command: `mkb ${args.join(' ')}` };
}

function parseSummary(run: Run, fixture: ConfigFixture): Json {
  try {
    return normalizeSummary(JSON.parse(run.result.stdout) as Json, { scratch: run.scratch, treeText: treeText(fixture) });
  } catch (error) {
    throw new Error(`${run.result.command}: stdout is not JSON (${String(error)}):\n${run.result.stdout.slice(0, 2000)}`);
  }
}

const describeIntegration = process.env['MKB_SKIP_INTEGRATION'] === '1' ? describe.skip : describe;

describeIntegration('config differential against mkosi 27.1', () => {
  beforeAll(async () => {
    scratchRoot = await mkdtemp(join(tmpdir(), 'mkb-diff-'));
  });
  afterAll(async () => {
    if (scratchRoot) await rm(scratchRoot, { recursive: true, force: true });
  });

  test('has at least 80 config trees', () => {
    expect(FIXTURES.length).toBeGreaterThanOrEqual(80);
  });

  // First, the oracle: each tree makes mkosi 27.1 do what its README says (this checks the fixtures).
  describe.each(FIXTURES)('mkosi 27.1 on $name', (fixture) => {
    test(fixture.description || fixture.name, async () => {
      const run = await inScratch(fixture, (cwd, env) => runMkosi([...fixture.args, 'summary', '--json'], { cwd, env }));
      mkosiResults.set(fixture.name, run.result);
      const { exitCode, stderr } = run.result;
      if (fixture.error) {
        expect(exitCode, `mkosi should fail; stderr:\n${stderr}`).not.toBe(0);
        expect(stderr, 'mkosi fails, but not for the reason this tree is about').toContain(fixture.error.mkosi);
      } else {
        expect(exitCode, `mkosi failed:\n${stderr}`).toBe(0);
        parseSummary(run, fixture);
        if (fixture.warning) expect(stderr).toContain(fixture.warning.mkosi);
      }
    });
  });

  // Then mkb, compared with mkosi on a fresh copy at the same path.
  describe.each(FIXTURES)('mkb on $name', (fixture) => {
    test('matches mkosi 27.1', async () => {
      // The oracle block above ran mkosi at the same scratch path; run it again only when it was filtered out.
      const earlier = mkosiResults.get(fixture.name);
      const mkosi = earlier
        ? { result: earlier, scratch: join(scratchRoot, fixture.name) }
        : await inScratch(fixture, (cwd, env) => runMkosi([...fixture.args, 'summary', '--json'], { cwd, env }));
      const mkb = await inScratch(fixture, (cwd, env) => runMkb([...fixture.args, 'summary', '--json'], cwd, env));
      if (mkosi.result.exitCode !== 0) {
        expect(mkb.result.exitCode, `mkosi failed (${mkosi.result.stderr.trim()}), mkb succeeded`).not.toBe(0);
        if (fixture.error) {
          expect(mkb.result.stderr, `mkb's error should name ${fixture.error.mkb} (mkosi: ${fixture.error.mkosi})`)
            .toContain(fixture.error.mkb);
        }
        return;
      }
      expect(mkb.result.exitCode, `mkosi succeeded, mkb failed:\n${mkb.result.stderr}`).toBe(0);
      const differences = diffSummaries(parseSummary(mkosi, fixture), parseSummary(mkb, fixture));
      expect(differences, `summary --json differs (${String(differences.length)} keys):\n  ${differences.join('\n  ')}`).toEqual([]);
      if (fixture.warning) expect(mkb.result.stderr, `mkb should warn about ${fixture.warning.mkb}`).toContain(fixture.warning.mkb);
    });
  });
});

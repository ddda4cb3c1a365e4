import { chmod, readFile, writeFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { allOptionSpecs } from '../../src/cli/options/all-options.js';
import { VERBS } from '../../src/cli/verbs.js';
import { bumpVersion } from '../../src/cli/verbs/bump.js';
import { findSetting, SETTINGS } from '../../src/config/settings/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runCli } from './run-cli.js';

describe('--version and help', () => {
  test('--version prints the mkosi version mkb implements, then its own', async () => {
    const r = await runCli(['--version']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^mkosi 27\.1 \(mkb \d+\.\d+\.\d+\)\n$/);
  });

  test('help and -h list every verb and every visible option', async () => {
    for (const argv of [['help'], ['-h'], ['summary', '--help']]) {
      const r = await runCli(argv);
      expect(r.status).toBe(0);
      for (const verb of VERBS) expect(r.stdout).toContain(verb.name);
      for (const spec of allOptionSpecs()) if (spec.hidden !== true) expect(r.stdout).toContain(spec.long ?? spec.short ?? '');
    }
  });
});

describe('verbs that have not landed', () => {
  const unavailable = VERBS.filter((v) => !v.available).map((v) => v.name);

  test.each(unavailable)('%s exits with the not-available status and says so', async (verb) => {
    const r = await runCli([verb]);
    expect(r.status).toBe(EXIT_CODES.notAvailable);
    expect(r.stderr).toContain(`The '${verb}' verb is not available yet in this version of mkb`);
  });
});

describe('command-line errors', () => {
  test('an unknown option prints the usage and exits 2', async () => {
    const r = await runCli(['--image-i=x', 'summary']);
    expect(r.status).toBe(EXIT_CODES.usage);
    expect(r.stderr).toContain("mkb: error: unknown option '--image-i=x'");
  });

  test('arguments after a verb that takes none are refused as mkosi does', async () => {
    const r = await runCli(['summary', '--', 'x']);
    expect(r.status).toBe(EXIT_CODES.failure);
    expect(r.stderr).toContain("Arguments after verb are not supported for the 'summary' command");
  });

  test('-C naming a missing directory fails', async () => {
    const dir = await tempDir();
    const r = await runCli(['-C', 'nope', 'summary'], { cwd: dir });
    expect(r.status).toBe(EXIT_CODES.failure);
    expect(r.stderr).toContain(`${join(dir, 'nope')} is not a directory!`);
  });
});

describe('completion', () => {
  test.each(['bash', 'zsh', 'fish'])('the %s script names every option and verb', async (shell) => {
    const r = await runCli(['completion', shell]);
    expect(r.status).toBe(0);
    for (const spec of allOptionSpecs()) {
      if (spec.hidden === true) continue;
      const long = spec.long === undefined ? undefined : shell === 'fish' ? `-l ${spec.long.slice(2)}` : spec.long;
      const short = spec.short === undefined ? undefined : shell === 'fish' ? `-s ${spec.short.slice(1)}` : spec.short;
      for (const flag of [long, short]) if (flag !== undefined) expect(r.stdout).toContain(flag);
    }
    for (const verb of VERBS) expect(r.stdout).toContain(verb.name);
  });

  test('a missing or unknown shell is refused', async () => {
    expect((await runCli(['completion'])).stderr).toContain('No shell to generate completion script for specified');
    const r = await runCli(['completion', 'tcsh']);
    expect(r.status).toBe(EXIT_CODES.failure);
    expect(r.stderr).toContain("'tcsh' is not supported for completion scripts.");
  });
});

describe('documentation', () => {
  test('lists every setting with its section, option and help', async () => {
    const r = await runCli(['documentation']);
    expect(r.status).toBe(0);
    for (const def of SETTINGS) {
      expect(r.stdout).toContain(`### \`${def.name}=\``);
      expect(r.stdout).toContain(`## [${def.section}] section`);
      if (def.cli) expect(r.stdout).toContain(def.cli.long);
    }
  });

  test('--doc-format=man prints roff', async () => {
    const r = await runCli(['documentation', '--doc-format=man']);
    expect(r.stdout.startsWith('.TH MKB 1')).toBe(true);
    for (const def of SETTINGS) expect(r.stdout).toContain(`.B ${def.name}=`);
  });
});

describe('bump', () => {
  test('increments the last numeric component', () => {
    expect(bumpVersion('1.2.9').version).toBe('1.2.10');
    expect(bumpVersion('41').version).toBe('42');
    expect(bumpVersion('1.2.rc')).toEqual({ version: '1.2.rc.2', appended: true });
  });

  test('writes 1 without a version file, then counts up (no trailing newline, as mkosi)', async () => {
    const dir = await tempDir();
    expect((await runCli(['bump'], { cwd: dir })).status).toBe(0);
    expect(await readFile(join(dir, 'mkosi.version'), 'utf8')).toBe('1');
    const r = await runCli(['-C', dir, 'bump']);
    expect(r.stderr).toContain("Bumping version: '1' → '2'");
    expect(await readFile(join(dir, 'mkosi.version'), 'utf8')).toBe('2');
  });

  test('keeps surrounding space out and bumps the last component', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'mkosi.version'), '  4.2  \n');
    await runCli(['bump'], { cwd: dir });
    expect(await readFile(join(dir, 'mkosi.version'), 'utf8')).toBe('4.3');
  });

  test('--image-version on the command line is written as given', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'mkosi.version'), '7');
    const r = await runCli(['--image-version=5.5', 'bump'], { cwd: dir });
    // --image-version exists once the [Output] section of the table has landed.
    const expected = findSetting('ImageVersion')?.def.cli ? '5.5' : '7';
    expect(await readFile(join(dir, 'mkosi.version'), 'utf8'), r.stderr).toBe(expected);
  });

  test('uses mkosi.bump when present', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'mkosi.bump'), '#!/bin/sh\necho 7.7\n');
    await chmod(join(dir, 'mkosi.bump'), 0o755);
    const r = await runCli(['bump'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('Running bump script');
    expect(await readFile(join(dir, 'mkosi.version'), 'utf8')).toBe('7.7');
  });

  test('refuses an executable mkosi.version', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'mkosi.version'), '#!/bin/sh\necho 5\n');
    await chmod(join(dir, 'mkosi.version'), 0o755);
    const r = await runCli(['bump'], { cwd: dir });
    expect(r.status).toBe(EXIT_CODES.failure);
    expect(r.stderr).toContain('is executable');
  });

  test("refuses -C ''", async () => {
    const r = await runCli(['-C', '', 'bump'], { cwd: await tempDir() });
    expect(r.stderr).toContain('Image version cannot be finalized with empty --directory');
  });

  test('uses the mkosi/ subdirectory form', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'mkosi'));
    await writeFile(join(dir, 'mkosi', 'mkosi.conf'), '[Output]\n');
    await runCli(['bump'], { cwd: dir });
    expect(existsSync(join(dir, 'mkosi', 'mkosi.version'))).toBe(true);
  });
});

describe('genkey', () => {
  test('writes a key and a certificate, then refuses to overwrite them without -f', async () => {
    const dir = await tempDir();
    const first = await runCli(['genkey', '--genkey-valid-days', '10', '--genkey-common-name', 'test CN'], { cwd: dir });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain("Generating keys rsa:2048 for CN 'test CN'.");
    expect(await readFile(join(dir, 'mkosi.crt'), 'utf8')).toContain('BEGIN CERTIFICATE');
    expect(await readFile(join(dir, 'mkosi.key'), 'utf8')).toContain('PRIVATE KEY');

    const second = await runCli(['genkey'], { cwd: dir });
    expect(second.status).toBe(EXIT_CODES.failure);
    expect(second.stderr).toContain('mkosi.key already exists');

    const forced = await runCli(['-f', 'genkey'], { cwd: dir });
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toContain("for CN 'mkosi of tester'");
  });

  test('refuses a non-numeric --genkey-valid-days', async () => {
    const r = await runCli(['genkey', '--genkey-valid-days=abc'], { cwd: await tempDir() });
    expect(r.status).toBe(EXIT_CODES.failure);
    expect(r.stderr).toContain("'abc' is not a number of days");
  });
});

describe('engine commands', () => {
  test('graph and cache, and build/explain/clean with engine options, go to the engine', async () => {
    const { isEngineInvocation } = await import('../../src/cli/program.js');
    expect(isEngineInvocation(['graph', '--format', 'json'])).toBe(true);
    expect(isEngineInvocation(['cache', 'stats'])).toBe(true);
    expect(isEngineInvocation(['build', '--plan-file', 'p.json', '--cache-dir', 's'])).toBe(true);
    expect(isEngineInvocation(['clean', '--cache-dir=s'])).toBe(true);
    expect(isEngineInvocation(['build'])).toBe(false);
    expect(isEngineInvocation(['explain', '--plan-file=p.json'])).toBe(true);
    expect(isEngineInvocation(['explain', 'main/finalize'])).toBe(false);
    expect(isEngineInvocation(['-f', 'build'])).toBe(false);
    expect(isEngineInvocation(['summary', '--format=disk'])).toBe(false);
  });
});

describe('-R/--rerun-build-scripts', () => {
  test('is refused with verbs that do not build, and together with -f', async () => {
    const r = await runCli(['-R', 'summary']);
    expect(r.status).toBe(EXIT_CODES.failure);
    expect(r.stderr).toContain("--rerun-build-scripts cannot be used with the 'summary' command");
    const f = await runCli(['-R', '-f', 'shell']);
    expect(f.stderr).toContain('--force cannot be used together with --rerun-build-scripts');
  });

  test('build -R before the image was ever published says to build it once (mkosi 27.1)', async () => {
    const dir = await tempDir();
    // A placeholder archive (.invalid never resolves): nothing is fetched before the check.
    await writeFile(join(dir, 'mkosi.conf'), '[Distribution]\nDistribution=debian\nRelease=bookworm\nMirror=http://archive.example.invalid/\n');
    await writeFile(join(dir, 'mkosi.build'), '#!/bin/sh\n', { mode: 0o755 });
    const r = await runCli(['-C', dir, '-R', 'build']);
    expect(r.status).toBe(EXIT_CODES.failure);
    expect(r.stderr).toContain("Image 'main' must be built once before --rerun-build-scripts can be used");
    expect(r.stderr).toContain("build the image once with 'mkb build'");
  });
});

describe('dependencies', () => {
  test('prints the sorted packages of the builtin tools config; profiles after -- add more', async () => {
    const plain = await runCli(['dependencies'], { cwd: await tempDir() });
    expect(plain.status, plain.stderr).toBe(0);
    const packages = plain.stdout.trim().split('\n');
    expect(packages.length).toBeGreaterThan(10);
    expect(packages).toEqual([...packages].sort());
    const devel = await runCli(['dependencies', '--', '--profile=devel'], { cwd: await tempDir() });
    expect(devel.stdout.trim().split('\n').length).toBeGreaterThan(packages.length);
  });

  test('refuses options it does not know after --', async () => {
    const r = await runCli(['dependencies', '--', '--frobnicate']);
    expect(r.status).toBe(EXIT_CODES.failure);
    expect(r.stderr).toContain('--frobnicate');
  });
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { reportError } from '../../src/cli/report-error.js';
import { ConfigInvalid } from '../../src/config/diagnostics.js';
import { tempDir } from '../helpers/temp-dir.js';
import { runCli } from './run-cli.js';

async function tree(files: Record<string, string>): Promise<string> {
  const dir = await tempDir();
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

describe('summary', () => {
  test('--json prints mkosi\'s document, with options before or after the verb', async () => {
    const dir = await tree({ 'mkosi.conf': '[Config]\nProfiles=a\n' });
    for (const argv of [['--json', 'summary'], ['summary', '--json'], ['-C', dir, 'summary', '--json']]) {
      const r = await runCli(argv, { cwd: dir });
      expect(r.status, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { Images: Record<string, unknown>[]; Tools: unknown };
      expect(doc.Tools).toBeNull();
      expect(doc.Images.at(-1)?.['Profiles']).toEqual(['a']);
      expect(r.stdout.endsWith('}')).toBe(true);
    }
  });

  test('command-line settings apply in argv order', async () => {
    const dir = await tree({ 'mkosi.conf': '[Config]\nPassEnvironment=X\n' });
    const r = await runCli(['--pass-environment=A', '--pass-environment=', 'summary', '--json', '--pass-environment=B'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { Images: Record<string, unknown>[] }).Images.at(-1)?.['PassEnvironment']).toEqual(['B']);
  });

  test('the human view groups settings by section', async () => {
    const r = await runCli(['summary'], { cwd: await tree({ 'mkosi.conf': '[Config]\nProfiles=a b\n' }) });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('IMAGE: main');
    expect(r.stdout).toContain('    CONFIG:');
    expect(r.stdout).toMatch(/ +Profiles: a\n +b\n/);
    expect(r.stdout).toMatch(/ +Minimum Version: none/);
  });

  test('a broken config lists every problem without a stack trace and exits 1', async () => {
    const dir = await tree({ 'mkosi.conf': '[Config]\nProfiles=../x\nMinimumVersion=99\n' });
    const r = await runCli(['summary'], { cwd: dir });
    expect(r.status).toBe(EXIT_CODES.failure);
    expect(r.stderr).toContain('Profiles');
    expect(r.stderr).toContain('mkosi.conf:2');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('cat-config prints each file under its image', async () => {
    const dir = await tree({ 'mkosi.conf': '[Config]\nProfiles=a\n', 'mkosi.conf.d/10-x.conf': '[Config]\nPassEnvironment=x\n' });
    const r = await runCli(['cat-config'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('### IMAGE: main\n# mkosi.conf\n[Config]\nProfiles=a\n\n# mkosi.conf.d/10-x.conf\n[Config]\nPassEnvironment=x\n\n');
  });

  test('cat-config separates images by a blank line, dependencies first', async () => {
    const dir = await tree({ 'mkosi.conf': '[Config]\nProfiles=a\n', 'mkosi.images/sub/mkosi.conf': '[Config]\nDependencies=\n' });
    const r = await runCli(['cat-config'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('### IMAGE: sub\n# mkosi.images/sub/mkosi.conf\n[Config]\nDependencies=\n\n\n### IMAGE: main\n# mkosi.conf\n[Config]\nProfiles=a\n\n');
  });
});

describe('error reporting', () => {
  test('config problems are rendered with location, setting and hint', () => {
    let err = '';
    const status = reportError(new ConfigInvalid([
      { severity: 'error', message: "'maybe' is not a valid boolean", setting: 'WithDocs', at: { kind: 'file', file: 'mkosi.conf', line: 3 }, text: 'WithDocs=maybe', hint: 'use yes or no' },
      { severity: 'error', message: 'nope.conf does not exist', at: { kind: 'cli', option: '--include' } },
    ]), { debug: false, err: (t) => { err += t; } });
    expect(status).toBe(EXIT_CODES.failure);
    expect(err).toContain('WithDocs');
    expect(err).toContain('mkosi.conf:3');
    expect(err).toContain('hint: use yes or no');
    expect(err).toContain('nope.conf does not exist');
    expect(err).toContain('2 problems');
  });

  test('an unexpected exception is an internal error: no stack unless --debug', () => {
    let err = '';
    expect(reportError(new TypeError('x is undefined'), { debug: false, err: (t) => { err += t; } })).toBe(EXIT_CODES.internal);
    expect(err).toContain('internal error: TypeError: x is undefined');
    expect(err).toContain('please report');
    expect(err).toContain('rerun with --debug');
    expect(err).not.toMatch(/\n\s+at /);
    let debug = '';
    reportError(new TypeError('x'), { debug: true, err: (t) => { debug += t; } });
    expect(debug).toMatch(/\n\s+at /);
  });
});

import { describe, expect, test } from 'vitest';
import { parseArgv } from '../../src/cli/parse-argv.js';
import type { ParsedArgv } from '../../src/cli/parse-argv.js';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';

const CWD = '/work/tree';

function parse(...argv: string[]): ParsedArgv {
  const result = parseArgv(argv, { cwd: CWD });
  if (!result.ok) throw new Error(`unexpected usage error: ${result.error.message}`);
  return result.value;
}

function usageError(...argv: string[]): string {
  const result = parseArgv(argv, { cwd: CWD });
  if (result.ok) throw new Error(`expected a usage error for ${argv.join(' ')}`);
  expect(result.error.exitCode).toBe(EXIT_CODES.usage);
  return result.error.message;
}

const assignments = (p: ParsedArgv): string[] => p.cli.map((a) => `${a.setting}=${a.raw}`);

describe('verbs and arguments', () => {
  test('build is the default verb', () => {
    expect(parse().verb).toBe('build');
    expect(parse('-f').verb).toBe('build');
  });

  test('aliases resolve to the canonical verb', () => {
    expect(parse('qemu').verb).toBe('vm');
    expect(parse('sandbox').verb).toBe('box');
  });

  test('arguments after the verb, before and after --, are collected in order', () => {
    const p = parse('shell', 'ls', '--', '-l', '--json');
    expect(p.verb).toBe('shell');
    expect(p.args).toEqual(['ls', '-l', '--json']);
    expect(p.json).toBe(false);
  });

  test('a verb given after -- is still the verb', () => {
    const p = parse('--json', '--', 'summary', '--json');
    expect(p.verb).toBe('summary');
    expect(p.args).toEqual(['--json']);
  });

  test('an unknown verb is a usage error naming it', () => {
    expect(usageError('frobnicate')).toContain("invalid Verb value: 'frobnicate'");
  });
});

describe('options before and after the verb', () => {
  test('global options are accepted on both sides of the verb', () => {
    const before = parse('--json', '--debug', 'summary');
    const after = parse('summary', '--json', '--debug');
    for (const p of [before, after]) {
      expect(p.verb).toBe('summary');
      expect(p.json).toBe(true);
      expect(p.debug).toBe(true);
      expect(p.args).toEqual([]);
    }
  });

  test('setting options are collected in argv order across the verb', () => {
    const p = parse('--profile=a', 'summary', '--profile', 'b', '-I', 'x.conf', '--profile=');
    expect(assignments(p)).toEqual(['Profiles=a', 'Profiles=b', 'Include=x.conf', 'Profiles=']);
    expect(p.cli[0]?.option).toBe('--profile');
  });

  test('-f counts, alone, repeated and combined', () => {
    expect(parse('-f').force).toBe(1);
    expect(parse('-ff', 'summary', '-f').force).toBe(3);
    expect(parse('-f', '-f').force).toBe(2);
    expect(parse('summary').force).toBe(0);
  });

  test('-C resolves against the working directory, and again against itself like chdir', () => {
    expect(parse('-C', 'sub').directory).toBe('/work/tree/sub');
    expect(parse('-C', '/abs', '-C', 'x').directory).toBe('/abs/x');
    expect(parse('summary').directory).toBeUndefined();
  });

  test("-C '' means no configuration at all", () => {
    expect(parse('-C', '', 'summary').directory).toBeNull();
    expect(parse('--directory=', 'summary').directory).toBeNull();
  });

  test('short options take attached values, also with = as argparse does', () => {
    expect(assignments(parse('-Ia.conf', '-I=b.conf', '-I', 'c.conf'))).toEqual(['Include=a.conf', 'Include=b.conf', 'Include=c.conf']);
  });

  test('legacy options are accepted and ignored', () => {
    const p = parse('--nspawn-keep-unit', '--default', 'x', '--cache', 'y', '--runtime-scratch', 'z', 'summary');
    expect(p.verb).toBe('summary');
    expect(p.cli).toEqual([]);
  });

  test('--genkey-* and --doc-format are read', () => {
    const p = parse('genkey', '--genkey-valid-days', '10', '--genkey-common-name=me');
    expect(p.genkeyValidDays).toBe('10');
    expect(p.genkeyCommonName).toBe('me');
    expect(parse('--doc-format', 'man', 'documentation').docFormat).toBe('man');
    expect(usageError('--doc-format', 'pdf')).toContain("invalid choice: 'pdf'");
  });
});

describe('usage errors', () => {
  test('an unknown option is fatal and named', () => {
    expect(usageError('--image-i=x', 'summary')).toContain('--image-i');
  });

  test('long options cannot be abbreviated', () => {
    expect(usageError('--prof=x', 'summary')).toContain("unknown option '--prof=x'");
    expect(usageError('--jso', 'summary')).toContain('--jso');
  });

  test('an option missing its value is a usage error', () => {
    expect(usageError('summary', '--profile')).toContain('--profile');
  });
});

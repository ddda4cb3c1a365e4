// [Output] settings: default rules (Output, OutputExtension, CompressOutput, Seed, SplitArtifacts), OCI dicts,
// file-name checks and the table's metadata. Expected values come from mkosi 27.1's `summary --json`.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OUTPUT_FORMATS } from '../../../../src/config/output-formats.js';
import {
  OUTPUT_SETTINGS, defaultCompressOutput, defaultOutput, defaultOutputExtension, defaultSeed,
} from '../../../../src/config/settings/output-section.js';
import type { DefaultContext, HostFacts } from '../../../../src/config/settings/types.js';
import type { ParseEnv, ValueKind } from '../../../../src/config/values/kind.js';

function host(): HostFacts {
  let n = 0;
  return {
    distribution: 'debian', release: 'bookworm', architecture: 'x86-64', env: {}, home: '/root', directory: null,
    caBundle: null, uid: 0, randomUuid: () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  };
}

function context(values: Readonly<Record<string, unknown>>, options: { image?: string; host?: HostFacts } = {}): DefaultContext {
  return { get: (name) => values[name] ?? null, host: options.host ?? host(), image: options.image ?? 'main' };
}

const env: ParseEnv = { cwd: '/cfg', env: {}, home: '/root', randomUuid: () => '00000000-0000-4000-8000-000000000001' };
const byName = new Map(OUTPUT_SETTINGS.map((def) => [def.name as string, def]));
/** A setting's kind with its value type erased, so tests can pass any old value. */
function kindOf(name: string): ValueKind<unknown> {
  const def = byName.get(name);
  if (!def) throw new Error(`no setting ${name}`);
  return def.kind as ValueKind<unknown>;
}

describe('Output default', () => {
  test('image, else ImageId, with _ImageVersion appended', () => {
    expect(defaultOutput(context({}))).toBe('image');
    expect(defaultOutput(context({ ImageVersion: '1.2' }))).toBe('image_1.2');
    expect(defaultOutput(context({ ImageId: 'foo', ImageVersion: '1.2' }))).toBe('foo_1.2');
  });

  test('a subimage is named after itself, not after the inherited ImageId', () => {
    expect(defaultOutput(context({ ImageId: 'foo', ImageVersion: '7' }, { image: 'base' }))).toBe('base_7');
    expect(defaultOutput(context({ ImageId: 'foo' }, { image: 'nov' }))).toBe('nov');
  });

  test('the default is not checked as a file name', () => {
    expect(defaultOutput(context({ ImageId: 'a/b' }))).toBe('a/b');
  });
});

describe('defaults that follow Format', () => {
  test('OutputExtension and CompressOutput per format', () => {
    const table = Object.fromEntries(OUTPUT_FORMATS.map((format) => [
      format, [defaultOutputExtension(context({ Format: format })), defaultCompressOutput(context({ Format: format }))],
    ]));
    expect(table).toEqual({
      confext: ['raw', 'none'], cpio: ['cpio', 'zstd'], directory: ['', 'none'], disk: ['raw', 'none'], esp: ['raw', 'zstd'],
      none: ['', 'none'], portable: ['raw', 'none'], sysext: ['raw', 'none'], tar: ['tar', 'zstd'], uki: ['efi', 'zstd'],
      oci: ['', 'gz'], addon: ['efi', 'zstd'],
    });
  });

  test('the rules declare what they read', () => {
    for (const name of ['OutputExtension', 'CompressOutput']) {
      const rule = byName.get(name)?.default;
      expect(rule && 'dependsOn' in rule ? rule.dependsOn : []).toEqual(['Format']);
    }
  });
});

describe('Seed default', () => {
  test('one random seed per process (per host facts), shared by every image', () => {
    const facts = host();
    const main = defaultSeed(context({}, { host: facts }));
    expect(defaultSeed(context({}, { host: facts, image: 'base' }))).toBe(main);
    expect(defaultSeed(context({}, { host: host() }))).toBe(main.replace(/.$/, '1'));
  });
});

describe('parsers', () => {
  test('Format names are case-sensitive and have no boolean aliases', () => {
    expect(() => kindOf('Format').parse('yes', undefined, env)).toThrow("'yes' is not a valid OutputFormat");
    expect(() => kindOf('Format').parse('Disk', undefined, env)).toThrow("'Disk' is not a valid OutputFormat");
  });

  test('ManifestFormat is a list of json/changelog, duplicates kept', () => {
    expect(kindOf('ManifestFormat').parse('json,changelog,json', [], env)).toEqual(['json', 'changelog', 'json']);
    expect(() => kindOf('ManifestFormat').parse('JSON', [], env)).toThrow("'JSON' is not a valid ManifestFormat");
  });

  test('Output and OutputExtension are file names, with per-setting hints', () => {
    expect(kindOf('Output').parse('a b', undefined, env)).toBe('a b');
    expect(kindOf('Output').parse('.hidden', undefined, env)).toBe('.hidden');
    for (const raw of ['sub/name', '.', '..']) {
      expect(() => kindOf('Output').parse(raw, undefined, env)).toThrow(`'${raw}' is not a valid filename.`);
    }
    try {
      kindOf('OutputExtension').parse('a/b', undefined, env);
    } catch (error) {
      expect((error as { hint?: string }).hint).toContain('requires a valid extension');
    }
  });

  test('OCI labels and annotations: shell words, a bare key is empty, =V is the empty key, later keys win', () => {
    const kind = kindOf('OciLabels');
    expect(kind.parse('a=b "c=d e" novalue =x k=v=w', {}, env)).toEqual({ a: 'b', c: 'd e', novalue: '', '': 'x', k: 'v=w' });
    expect(kind.parse('a=z', { a: 'b' }, env)).toEqual({ a: 'z' });
    expect(kind.parse('a=b,c=d', {}, env)).toEqual({ a: 'b,c=d' });
    expect(kind.parse('', { a: 'b' }, env)).toEqual({});
  });

  test('RepartDirectories must exist (files too) and are not globbed; CleanScripts are globbed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkb-output-'));
    mkdirSync(join(dir, 'repart'));
    writeFileSync(join(dir, 'b.sh'), '');
    writeFileSync(join(dir, 'a.sh'), '');
    symlinkSync(join(dir, 'a.sh'), join(dir, 'link.sh'));
    const here: ParseEnv = { ...env, cwd: dir };
    expect(kindOf('RepartDirectories').parse('repart a.sh', [], here)).toEqual([join(dir, 'repart'), join(dir, 'a.sh')]);
    expect(() => kindOf('RepartDirectories').parse('nonexist', [], here)).toThrow('does not exist');
    expect(() => kindOf('RepartDirectories').parse('*.sh', [], here)).toThrow('does not exist');
    expect(kindOf('CleanScripts').parse('*.sh', [], here)).toEqual([join(dir, 'a.sh'), join(dir, 'b.sh'), join(dir, 'a.sh')]);
  });

  test('CleanScripts: a missing plain path matches nothing, * skips hidden files, a dangling link fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mkb-output-'));
    mkdirSync(join(dir, 's'));
    writeFileSync(join(dir, 's', '.hidden'), '');
    writeFileSync(join(dir, 's', 'a'), '');
    const here: ParseEnv = { ...env, cwd: dir };
    expect(kindOf('CleanScripts').parse('nonexist', [], here)).toEqual([]);
    expect(kindOf('CleanScripts').parse('s/*', [], here)).toEqual([join(dir, 's', 'a')]);
    symlinkSync('nowhere', join(dir, 's', 'dangling'));
    expect(() => kindOf('CleanScripts').parse('s/dangling', [], here)).toThrow('does not exist');
  });

  test('ElTorito is a feature', () => {
    expect(['yes', 'no', 'auto', ''].map((raw) => kindOf('ElTorito').parse(raw, 'auto', env))).toEqual(['enabled', 'disabled', 'auto', 'auto']);
    expect(() => kindOf('ElTorito').parse('maybe', 'auto', env)).toThrow();
  });
});

test('table: scopes, CLI flags, default paths, specifiers and tools flags as in 27.1', () => {
  const rows = OUTPUT_SETTINGS.map((d) => [
    d.name, d.scope, d.cli?.long, d.cli?.short ?? '', 'specifier' in d ? d.specifier : '', 'tools' in d,
    ('paths' in d ? d.paths : []).map((p) => p.path + (p.use === 'contents' ? ' (contents)' : '')).join(' '),
  ].join(' '));
  expect(rows).toEqual([
    'Format local --format -t t false ',
    'ManifestFormat local --manifest-format   false ',
    'Output local --output -o o true ',
    'OutputExtension local --output-extension   false ',
    'OutputSize local --output-size   false ',
    'CompressOutput local --compress-output   false ',
    'CompressLevel inherit --compress-level   false ',
    'OutputDirectory universal --output-directory -O O true mkosi.output',
    'OutputMode universal --output-mode   false ',
    'ImageVersion inherit --image-version  v false mkosi.version (contents)',
    'ImageId inherit --image-id  i false ',
    'OciLabels local --oci-labels   false ',
    'OciAnnotations local --oci-annotations   false ',
    'SplitArtifacts local --split-artifacts   false ',
    'RepartDirectories local --repart-directory   false mkosi.repart',
    'SectorSize inherit --sector-size   false ',
    'Overlay local --overlay   false ',
    'Seed local --seed   false mkosi.seed (contents)',
    'ElTorito local --el-torito   false ',
    'ElToritoSystem local --el-torito-system   false ',
    'ElToritoVolume local --el-torito-volume   false ',
    'ElToritoPublisher local --el-torito-publisher   false ',
    'CleanScripts local --clean-script   false mkosi.clean mkosi.clean.d/*',
  ]);
});

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  lockDifferences, lockEntries, parseCacheFile, parseIndexRecords, parsePrintUris, pinnedSpecs, recordKey, sortEntries, statusParagraph, storedLock, unknownPackages,
} from '../../../../../src/nodes/packages/package-manager/apt/apt-lock.js';
import type { LockEntry } from '../../../../../src/nodes/packages/package-manager/apt/apt-lock.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../../../fixtures/apt/output/${name}`, import.meta.url), 'utf8');

describe('apt-get --print-uris', () => {
  test('URI, cache file name, size, and name/version/arch from the file name (epoch decoded)', () => {
    const printed = parsePrintUris(fixture('print-uris.txt'));
    expect(printed).toHaveLength(8);
    expect(printed[0]).toEqual({
      uri: 'file:/srv/debs/mkb-test-local_1.0_all.deb', cacheFile: 'mkb-test-local_1.0_all.deb', size: 656,
      name: 'mkb-test-local', version: '1.0', architecture: 'all',
    });
    expect(printed.find((p) => p.name === 'libcap2')).toMatchObject({
      version: '1:2.66-4+deb12u3+b1', architecture: 'amd64', cacheFile: 'libcap2_1%3a2.66-4+deb12u3+b1_amd64.deb', size: 27708,
      uri: 'http://mirror.example/debian/pool/main/libc/libcap2/libcap2_2.66-4%2bdeb12u3%2bb1_amd64.deb',
    });
  });

  test('ignores noise and malformed file names', () => {
    expect(parsePrintUris("Reading package lists...\n'http://x.example/a.deb' not-a-deb-name 12 MD5Sum:00\n")).toEqual([]);
    expect(parseCacheFile('a_b_c.udeb')).toEqual({ name: 'a', version: 'b', architecture: 'c' });
    expect(parseCacheFile('a_b.deb')).toBeUndefined();
  });
});

describe('apt-cache show', () => {
  const records = parseIndexRecords(fixture('apt-cache-show.txt'));

  test('records keyed by name, version and architecture, with sha256 and size', () => {
    const hello = records.get(recordKey('hello', '2.10-3', 'amd64'));
    expect(hello?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(hello?.size).toBe(53080);
    expect(records.get(recordKey('libcap2', '1:2.66-4+deb12u3+b1', 'amd64'))?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('a synthesized status paragraph marks the package installed and drops archive-only fields', () => {
    const hello = records.get(recordKey('hello', '2.10-3', 'amd64'));
    if (hello === undefined) throw new Error('fixture lacks hello');
    const text = statusParagraph(hello);
    expect(text.split('\n').slice(0, 2)).toEqual(['Package: hello', 'Status: install ok installed']);
    expect(text).toContain('Version: 2.10-3\n');
    expect(text).toContain('Depends: ');
    expect(text).not.toMatch(/^(Filename|SHA256|MD5sum|Size):/m);
    // Multi-line fields keep their continuation lines.
    expect(text).toMatch(/^Description: .*\n [^\n]+/m);
  });
});

describe('apt errors', () => {
  test('names every package apt could not find', () => {
    expect(unknownPackages([
      'Reading package lists...', 'E: Unable to locate package mkb-nope', "E: Package 'virtual-only' has no installation candidate",
      "E: Couldn't find any package by regex '?garbage('", "E: Version '9.9' for 'bash' was not found", 'E: Unable to locate package mkb-nope',
    ].map((l) => `      ${l}`).join('\n'))).toEqual(['mkb-nope', 'virtual-only', '?garbage(', 'bash']);
    expect(unknownPackages('E: Sub-process /usr/bin/dpkg returned an error code (1)')).toEqual([]);
  });
});

describe('locks', () => {
  const entry = (name: string, version: string, architecture = 'amd64'): LockEntry => ({
    name, version, architecture, sha256: '0'.repeat(64), size: 1, cacheFile: `${name}_${version}_${architecture}.deb`,
  });

  test('the stored lock is the same whichever mirror the set was resolved from', () => {
    const from = (mirror: string) => ({
      architecture: 'amd64', requested: ['bash'], bootstrap: [{ ...entry('dash', '0.5'), uri: `${mirror}/dash.deb` }],
      packages: [{ ...entry('bash', '5'), uri: `${mirror}/bash.deb` }],
    });
    expect(storedLock(from('http://a.example/debian'))).toEqual(storedLock(from('http://b.example:80/debian/')));
    expect(lockEntries(storedLock(from('http://a.example')))).toEqual([entry('dash', '0.5'), entry('bash', '5')]);
  });

  test('entries sort by name, then architecture; pinned specs are exact', () => {
    expect(sortEntries([entry('zlib1g', '1'), entry('bash', '5'), entry('bash', '5', 'i386')]).map((e) => `${e.name}:${e.architecture}`))
      .toEqual(['bash:amd64', 'bash:i386', 'zlib1g:amd64']);
    expect(pinnedSpecs([entry('libcap2', '1:2.66-4')])).toEqual(['libcap2:amd64=1:2.66-4']);
  });

  test('differences between a lock and the installed set are named', () => {
    expect(lockDifferences([entry('bash', '5'), entry('dash', '0.5')], 'bash 5 amd64\ndash 0.6 amd64\nhello 2 amd64\n')).toEqual([
      'missing dash 0.5 amd64', 'unexpected dash 0.6 amd64', 'unexpected hello 2 amd64',
    ]);
    expect(lockDifferences([entry('bash', '5')], 'bash 5 amd64')).toEqual([]);
  });
});

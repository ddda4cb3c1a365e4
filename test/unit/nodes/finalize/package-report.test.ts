import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { installedChangelog, packageRecord, parseInstalled, renderPackageReport, sourceGroups } from '../../../../src/nodes/finalize/package-report.js';

const DPKG = [
  'libgcc-s1\tgcc-12\t12.2.0-14\tamd64\t140',
  'bash\tbash\t5.2.15-2+b7\tamd64\t7164',
  'gcc-12-base\tgcc-12\t12.2.0-14\tamd64\t',
  '',
].join('\n');

describe('package records', () => {
  test('dpkg lines sort as mkosi sorts them; sizes are Installed-Size in bytes, empty as 0', () => {
    const packages = parseInstalled(DPKG);
    expect(packages.map((p) => `${p.name}/${p.source}/${p.size}`)).toEqual(['bash/bash/7335936', 'gcc-12-base/gcc-12/0', 'libgcc-s1/gcc-12/143360']);
    const [bash] = packages;
    if (bash === undefined) throw new Error('no packages parsed');
    expect(packageRecord(bash)).toEqual({ type: 'deb', name: 'bash', version: '5.2.15-2+b7', architecture: 'amd64', size: 7335936 });
  });
});

describe('the changelog report (ManifestFormat=changelog)', () => {
  test('totals, then one block per source in order of first appearance, with its changelog when the image has one', () => {
    const packages = parseInstalled(DPKG);
    const text = renderPackageReport(packages, [
      { source: 'bash', packages: packages.filter((p) => p.source === 'bash'), changelog: 'bash (5.2.15-2) unstable; urgency=medium' },
      { source: 'gcc-12', packages: packages.filter((p) => p.source === 'gcc-12'), changelog: undefined },
    ]);
    const rule = '-'.repeat(80);
    expect(text).toBe([
      'Packages: 3', 'Size:     7479296', rule,
      'SourcePackage: bash', 'Packages:      bash', 'Size:          7335936', '', 'Changelog:', 'bash (5.2.15-2) unstable; urgency=medium', '', rule,
      'SourcePackage: gcc-12', 'Packages:      gcc-12-base libgcc-s1', 'Size:          143360', '',
    ].join('\n'));
  });

  test('changelogs come from the image\'s own changelog.Debian.gz, through doc symlinks that stay inside the image', async () => {
    const root = await mkdtemp(join(tmpdir(), 'mkb-report-'));
    const doc = join(root, 'usr/share/doc');
    await mkdir(join(doc, 'gcc-12-base'), { recursive: true });
    await writeFile(join(doc, 'gcc-12-base/changelog.Debian.gz'), gzipSync('\ngcc-12 (12.2.0-14) unstable\n\n'));
    await symlink('gcc-12-base', join(doc, 'libgcc-s1'));
    await symlink('/usr/share/doc/gcc-12-base', join(doc, 'libgcc-s2'));
    expect(await installedChangelog(root, 'libgcc-s1')).toBe('gcc-12 (12.2.0-14) unstable');
    expect(await installedChangelog(root, 'libgcc-s2')).toBe('gcc-12 (12.2.0-14) unstable');
    expect(await installedChangelog(root, 'bash')).toBeUndefined();
    const groups = await sourceGroups(root, parseInstalled(DPKG));
    expect(groups.map((g) => [g.source, g.changelog])).toEqual([['bash', undefined], ['gcc-12', 'gcc-12 (12.2.0-14) unstable']]);
  });
});

import { describe, expect, test } from 'vitest';
import { HOST_PACKAGES, HOST_PROGRAMS, missingProgramHint, packageOfProgram } from '../../../src/host/host-packages.js';

describe('host packages', () => {
  test('a program, by name or path, maps to the Debian package that ships it', () => {
    expect(packageOfProgram('bwrap')).toBe('bubblewrap');
    expect(packageOfProgram('/usr/bin/getfattr')).toBe('attr');
    expect(packageOfProgram('systemd-hwdb')).toBe('udev');
    expect(packageOfProgram('mkfs.nothing')).toBeUndefined();
  });

  test('the hint for a missing program names its package and the command that installs it', () => {
    expect(missingProgramHint('/usr/bin/setfattr')).toBe(
      "install the Debian package 'attr' (`apt-get install attr`, or `npm run host-packages` for all mkb needs)");
    expect(missingProgramHint('mkfs.nothing')).toBe('install mkfs.nothing on the host');
  });

  test('no program is listed under two packages', () => {
    const programs = Object.values(HOST_PROGRAMS).flat();
    expect(new Set(programs).size).toBe(programs.length);
    expect(HOST_PACKAGES).toEqual(Object.keys(HOST_PROGRAMS));
  });
});

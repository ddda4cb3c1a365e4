// `mkb boot` for real: the bookworm systemd image (fixtures/builds/bookworm-systemd, built through the store
// finalize-systemd.test.ts uses, so its base is shared) booted under systemd-nspawn with
// systemd.unit=poweroff.target: systemd starts as the container's PID 1, reaches poweroff.target and the
// container exits. The assertions read systemd's status lines on the console nspawn forwards.
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PACKAGE_CACHE, TEST_CACHE, requirePrerequisites } from '../support/apt-test-env.js';
import { MKB, copyFixture, mkbBuild } from '../support/mkb-build.js';

const STORE = join(TEST_CACHE, 'build-store');
const BOOT_TIMEOUT_MS = 2 * 60_000;
let dir: string;

beforeAll(async () => {
  requirePrerequisites();
  if (!existsSync('/usr/bin/systemd-nspawn')) {
    throw new Error('boot test: /usr/bin/systemd-nspawn is missing; test/integration/setup.ts installs systemd-container (run the integration project)');
  }
  dir = await copyFixture('bookworm-systemd');
  await mkdir(join(dir, 'mkosi.output'));
  const r = await mkbBuild({ dir, store: STORE, packages: PACKAGE_CACHE });
  if (r.exitCode !== 0) throw new Error(`mkb build exited with ${r.exitCode}:\n${r.stderr}\n${JSON.stringify(r.events.filter((e) => e.type === 'node-failed'))}`);
});

afterAll(async () => {
  if (dir !== undefined) await rm(dirname(dir), { recursive: true, force: true });
});

describe('mkb boot', () => {
  test('boots the systemd image under systemd-nspawn into poweroff.target and exits 0', async () => {
    const r = await execa('node', [MKB, '-C', dir, 'boot', '--', 'systemd.unit=poweroff.target'], {
      reject: false, all: true, stdin: 'ignore', timeout: BOOT_TIMEOUT_MS, killSignal: 'SIGKILL',
    });
    // systemd colours its status lines even on nspawn's read-only console.
    const output = r.all.replace(/\x1b\[[0-9;]*m/g, '');
    if (r.timedOut) throw new Error(`mkb boot did not power off within ${BOOT_TIMEOUT_MS / 1000}s; console so far:\n${output}`);
    const context = `mkb boot exited with ${String(r.exitCode)}${r.signal === undefined ? '' : ` (${r.signal})`}; console:\n${output}`;
    // systemd ran as PID 1 in the container, on the image's os-release, with the unit from the command line...
    expect(output, context).toMatch(/^systemd 252\.[^\n]* running in system mode/m);
    expect(output, context).toContain('Detected virtualization systemd-nspawn.');
    expect(output, context).toContain('Welcome to Debian GNU/Linux 12 (bookworm)!');
    expect(output, context).toContain('Queued start job for default target poweroff.target.');
    // ...and went through the shutdown targets to poweroff.
    expect(output, context).toContain('Reached target shutdown.target - System Shutdown.');
    expect(output, context).toContain('Reached target poweroff.target - System Power Off.');
    expect(output, context).toContain('Powering off.');
    expect(output, context).not.toMatch(/Failed to start|Freezing execution/);
    expect(r.exitCode, context).toBe(0);
  });
});

import { describe, expect, test } from 'vitest';
import { describePackageFailure, toNodeFailure } from '../../../../src/nodes/packages/package-failure.js';

describe('package failure messages', () => {
  test('an unknown package names the package and the repositories searched', () => {
    const text = describePackageFailure({ code: 'PACKAGE_UNKNOWN', packages: ['mkb-nope'], repositories: ['http://mirror.example/debian bookworm [main]'] });
    expect(text.message).toBe('unknown package "mkb-nope"; repositories searched: http://mirror.example/debian bookworm [main]');
    expect(text.hint).toContain('Repositories=');
  });

  test('a missing mirror says which setting to set and what was searched', () => {
    const text = describePackageFailure({ code: 'MIRROR_REQUIRED', distribution: 'debian', release: 'bookworm', searched: [], reason: 'no Debian archive' });
    expect(text.message).toContain('no apt source files on this host');
    expect(text.hint).toMatch(/^set Mirror= in the \[Distribution\] section/);
  });

  test('a mirror apt cannot connect to is called unreachable, with the reason, and named', () => {
    const text = describePackageFailure({
      code: 'REPOSITORY_UNREACHABLE', repositories: ['http://127.0.0.1:9/debian bookworm [main]'],
      details: 'E: Failed to fetch http://127.0.0.1:9/debian/dists/bookworm/InRelease  Could not connect to 127.0.0.1:9 (127.0.0.1). - connect (111: Connection refused)',
    });
    expect(text.message).toMatch(/^the mirror is unreachable \(connection refused\): cannot fetch the index of http:\/\/127\.0\.0\.1:9\/debian bookworm \[main\]\n/);
    expect(text.hint).toContain('LocalMirror=');
    const missing = describePackageFailure({ code: 'REPOSITORY_UNREACHABLE', repositories: ['http://m.example/debian nope [main]'], details: 'E: 404  Not Found' });
    expect(missing.message).toMatch(/^cannot fetch the index of http:\/\/m\.example\/debian nope \[main\]/);
    expect(missing.hint).toContain('serves this release');
  });

  test('node failures keep command details and tool hints', () => {
    expect(toNodeFailure('base-install', { code: 'COMMAND_FAILED', argv: ['apt-get', 'install'], exitCode: 100, signal: null, outputTail: 'E: x' }))
      .toEqual({ code: 'NODE_COMMAND_FAILED', node: 'base-install', argv: ['apt-get', 'install'], exitCode: 100, signal: null, stderrTail: 'E: x' });
    expect(toNodeFailure('n', { code: 'TOOL_MISSING', tool: 'bwrap', hint: 'install bubblewrap' })).toEqual({ code: 'TOOL_MISSING', node: 'n', tool: 'bwrap', hint: 'install bubblewrap' });
    expect(toNodeFailure('n', { code: 'LOCK_MISMATCH', differences: ['missing a 1 amd64'] })).toMatchObject({ code: 'NODE_FAILED', node: 'n' });
  });
});

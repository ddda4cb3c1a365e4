import { describe, expect, test } from 'vitest';
import { missingProgramHint } from '../../../../src/host/host-packages.js';
import { outputTail, runTool, toolEnvironment } from '../../../../src/nodes/packages/run-tool.js';

describe('tool environment', () => {
  test('only allow-listed host variables pass; locale fixed; PATH has a fallback', () => {
    const env = toolEnvironment({ PATH: '/opt/bin:/usr/bin', https_proxy: 'http://proxy.example:3128', HOME: '/root', SOURCE_DATE_EPOCH: '1', APT_CONFIG: '/etc/x' });
    expect(env).toEqual({ LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', PATH: '/opt/bin:/usr/bin', https_proxy: 'http://proxy.example:3128' });
    expect(toolEnvironment({})['PATH']).toContain('/usr/bin');
  });
});

describe('runTool', () => {
  const env = toolEnvironment({});

  test('returns stdout; the child sees exactly the given environment', async () => {
    const r = await runTool({ argv: ['sh', '-c', 'echo "$LANG ${HOME:-unset}"'], env });
    expect(r).toEqual({ ok: true, value: { stdout: 'C.UTF-8 unset', stderr: '' } });
  });

  test('a failing command keeps its argv, exit code and the tail of its output', async () => {
    const r = await runTool({ argv: ['sh', '-c', 'for i in $(seq 1 30); do echo line$i; done; exit 3'], env });
    expect(r).toMatchObject({ ok: false, error: { code: 'COMMAND_FAILED', exitCode: 3, signal: null } });
    if (!r.ok && r.error.code === 'COMMAND_FAILED') {
      expect(r.error.outputTail.split('\n')).toHaveLength(15);
      expect(r.error.outputTail.trim().split('\n').at(-1)?.trim()).toBe('line30');
    }
  });

  test('a missing binary is TOOL_MISSING with the hint', async () => {
    expect(await runTool({ argv: ['mkb-no-such-tool'], env, missingHint: 'install it' }))
      .toEqual({ ok: false, error: { code: 'TOOL_MISSING', tool: 'mkb-no-such-tool', hint: 'install it' } });
  });

  test('without a hint, a missing program is named with the Debian package that ships it', async () => {
    // A PATH with nothing on it: bwrap is missing whatever the host has.
    const empty = { ...env, PATH: '/nonexistent' };
    expect(await runTool({ argv: ['bwrap', '--version'], env: empty }))
      .toEqual({ ok: false, error: { code: 'TOOL_MISSING', tool: 'bwrap', hint: missingProgramHint('bwrap') } });
    expect(missingProgramHint('bwrap')).toContain("'bubblewrap'");
  });

  test('outputTail keeps the last non-empty lines, indented', () => {
    expect(outputTail('a\n\nb\nc\n', 2)).toBe('      b\n      c');
  });
});

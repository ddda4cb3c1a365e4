// BuildSourcesEphemeral=: scripts write into /work/src through an overlay; the host's sources stay as they
// were. `yes` drops the changes after the stage, `buildcache` keeps them in BuildDirectory's subdirectory.
import { chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runScripts } from '../../src/nodes/image/scripts.js';
import type { Settings } from '../../src/nodes/types.js';
import { tempDir } from '../helpers/temp-dir.js';
import { requirePrerequisites } from '../support/apt-test-env.js';

/** Two post-output scripts: the first writes into the sources, the second reports what it sees there. */
async function sources(): Promise<{ dir: string; src: string; scripts: string[]; report: string }> {
  const dir = await tempDir();
  const src = join(dir, 'src');
  await mkdir(src);
  await writeFile(join(src, 'main.c'), 'int main;\n');
  const report = join(dir, 'out');
  await mkdir(report);
  const write = join(dir, 'write.sh');
  await writeFile(write, '#!/bin/sh\nset -e\necho generated > /work/src/generated\necho edited >> /work/src/main.c\n');
  const read = join(dir, 'read.sh');
  await writeFile(read, '#!/bin/sh\nset -e\nls /work/src > "$OUTPUTDIR/listing"\ncat /work/src/main.c > "$OUTPUTDIR/main.c"\n');
  await Promise.all([chmod(write, 0o755), chmod(read, 0o755)]);
  return { dir, src, scripts: [write, read], report };
}

async function run(s: Awaited<ReturnType<typeof sources>>, settings: Settings): Promise<void> {
  const r = await runScripts({
    stage: 'postoutput', scripts: s.scripts, kind: { irrelevantSettings: [] }, node: 'main/output',
    settings: { BuildSources: [{ Source: s.src, Target: null }], ...settings }, outputDir: s.report,
    scratch: await tempDir(), root: s.dir, signal: new AbortController().signal, onOutput: () => undefined,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
}

describe('BuildSourcesEphemeral=', () => {
  test('no: scripts change the sources on the host', async () => {
    requirePrerequisites();
    const s = await sources();
    await run(s, { BuildSourcesEphemeral: 'no' });
    expect(await readFile(join(s.src, 'main.c'), 'utf8')).toBe('int main;\nedited\n');
    expect((await readdir(s.src)).sort()).toEqual(['generated', 'main.c']);
  });

  test('yes: the stage\'s scripts see each other\'s changes, the host\'s sources never do', async () => {
    requirePrerequisites();
    const s = await sources();
    await run(s, { BuildSourcesEphemeral: 'yes' });
    expect(await readFile(join(s.report, 'listing'), 'utf8')).toBe('generated\nmain.c\n');
    expect(await readFile(join(s.report, 'main.c'), 'utf8')).toBe('int main;\nedited\n');
    expect(await readFile(join(s.src, 'main.c'), 'utf8')).toBe('int main;\n');
    expect(await readdir(s.src)).toEqual(['main.c']);
    expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(s.dir);
  });

  test('buildcache: the changes are kept in the build directory for the next run, not in the sources', async () => {
    requirePrerequisites();
    const s = await sources();
    const buildSubdir = join(s.dir, 'mkosi.builddir', 'debian~bookworm~x86-64');
    await mkdir(buildSubdir, { recursive: true });
    await run(s, { BuildSourcesEphemeral: 'buildcache', BuildSubdirectory: buildSubdir });
    expect(await readdir(s.src)).toEqual(['main.c']);
    expect(await readdir(buildSubdir)).toEqual(['mkosi.buildovl.src']);
    expect(await readFile(join(buildSubdir, 'mkosi.buildovl.src', 'generated'), 'utf8')).toBe('generated\n');
    // The second run starts from the first one's changes.
    await run(s, { BuildSourcesEphemeral: 'buildcache', BuildSubdirectory: buildSubdir });
    expect(await readFile(join(s.report, 'main.c'), 'utf8')).toBe('int main;\nedited\nedited\n');
    expect(await readFile(join(s.src, 'main.c'), 'utf8')).toBe('int main;\n');
  });

  test('buildcache without a build directory fails with mkosi\'s message', async () => {
    requirePrerequisites();
    const s = await sources();
    const r = await runScripts({
      stage: 'postoutput', scripts: s.scripts, kind: { irrelevantSettings: [] }, node: 'main/output',
      settings: { BuildSources: [{ Source: s.src, Target: null }], BuildSourcesEphemeral: 'buildcache' }, outputDir: s.report,
      scratch: await tempDir(), root: s.dir, signal: new AbortController().signal, onOutput: () => undefined,
    });
    expect(r).toEqual({ ok: false, error: {
      code: 'NODE_FAILED', node: 'main/output', message: 'BuildSourcesEphemeral=buildcache was configured, but no build directory exists',
      hint: 'configure BuildDirectory= or create mkosi.builddir',
    } });
    expect(await readdir(s.src)).toEqual(['main.c']);
  });
});

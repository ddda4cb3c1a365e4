import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoreLayout } from './store-layout.js';
import { pidOfTempName } from './store-layout.js';

/** Removes staging dirs, temp blobs and half-built hot trees left by processes that no longer run. */
export async function sweepAbandoned(layout: StoreLayout, isAlive: (pid: number) => boolean): Promise<number> {
  let removed = 0;
  for (const [dir, prefix] of [[layout.staging, ''], [layout.tmp, ''], [layout.trees, '.tmp-']] as const) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const pid = pidOfTempName(name.slice(prefix.length));
      if (pid !== undefined && isAlive(pid)) continue;
      // A killed build can leave its overlays mounted: removing through them would only fill their upper layers.
      const { execa } = await import('execa');
      for (const mount of await mountsUnder(join(dir, name))) await execa('umount', ['--lazy', mount], { reject: false });
      await rm(join(dir, name), { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/** Mount points at or below `dir`, deepest first (mountinfo escapes space, tab, newline and backslash in octal). */
async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const points = info.split('\n').map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))));
  return points.filter((p) => p === dir || p.startsWith(`${dir}/`)).sort().reverse();
}

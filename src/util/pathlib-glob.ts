// Python 3.11's pathlib `Path.glob` (what mkosi 27.1 runs RemoveFiles= with), over a directory tree: a
// wildcard component matches any entry, symlinks included (dangling ones too) when it is the last one, and
// only directories (through symlinks) otherwise; a literal component must exist (following symlinks); `**`
// is the directory itself and every directory below it, not entering symlinked ones.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { fnmatchRegExp } from './fnmatch.js';

const isWildcard = (component: string): boolean => /[*?[]/.test(component);

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
}

function entriesOf(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** The directory itself and every directory below it that is not reached through a symlink. */
function directoriesFrom(root: string, rel: string): string[] {
  const found = [rel];
  for (const name of entriesOf(`${root}/${rel}`)) {
    const child = rel === '' ? name : `${rel}/${name}`;
    const st = lstatSync(`${root}/${child}`, { throwIfNoEntry: false });
    if (st?.isDirectory() === true) found.push(...directoriesFrom(root, child));
  }
  return found;
}

/** Paths under `root` (relative, without a leading `/`) that `pattern` matches, each once, in pathlib's order. */
export function pathlibGlob(root: string, pattern: string): string[] {
  const parts = pattern.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return [];
  const matches = new Set<string>();
  const select = (rel: string, rest: readonly string[]): void => {
    const [part, ...tail] = rest;
    if (part === undefined) {
      matches.add(rel);
      return;
    }
    const join = (name: string) => (rel === '' ? name : `${rel}/${name}`);
    const dirOnly = tail.length > 0;
    if (part === '**') {
      for (const dir of directoriesFrom(root, rel)) select(dir, tail);
    } else if (!isWildcard(part)) {
      const path = join(part);
      if (dirOnly ? isDirectory(`${root}/${path}`) : statSync(`${root}/${path}`, { throwIfNoEntry: false }) !== undefined) select(path, tail);
    } else {
      const re = fnmatchRegExp(part);
      for (const name of entriesOf(`${root}/${rel}`)) {
        if (!re.test(name)) continue;
        if (dirOnly && !isDirectory(`${root}/${join(name)}`)) continue;
        select(join(name), tail);
      }
    }
  };
  select('', parts);
  return [...matches];
}

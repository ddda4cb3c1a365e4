// Config trees under fixtures/configs/<scenario>/ for the differential suite, and how to lay one out
// in a scratch directory. Besides the mkosi configuration, a tree's top level may hold:
//   README          one line: what the tree tests
//   args            one CLI argument per line, passed before the verb
//   env             KEY=VALUE lines added to the environment
//   expect-error    the tree must fail; `mkosi: <substring of mkosi's stderr>` and `mkb: <word mkb's error must name>`
//   expect-warning  same format; both tools must succeed and print it
//   modes           `<octal> <relative path>` lines applied after copying (git keeps only 644 and 755)
// These files are not copied into the scratch directory, so neither tool sees them.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, cp, mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';

export const META_FILES = ['README', 'args', 'env', 'expect-error', 'expect-warning', 'modes'] as const;

export interface Expectation {
  /** Substring that must occur in mkosi 27.1's stderr. */
  readonly mkosi: string;
  /** Setting or key name mkb's stderr must mention. */
  readonly mkb: string;
}

export interface ConfigFixture {
  readonly name: string;
  readonly dir: string;
  readonly description: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly error?: Expectation;
  readonly warning?: Expectation;
  readonly modes: readonly { readonly mode: number; readonly path: string }[];
}

function lines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '');
}

function readExpectation(path: string): Expectation | undefined {
  if (!existsSync(path)) return undefined;
  const fields = new Map<string, string>();
  for (const line of lines(path)) {
    const m = /^(mkosi|mkb):\s?(.*)$/.exec(line);
    if (!m?.[1] || m[2] === undefined) throw new Error(`${path}: lines must start with "mkosi:" or "mkb:", got: ${line}`);
    fields.set(m[1], m[2]);
  }
  const mkosi = fields.get('mkosi');
  const mkb = fields.get('mkb');
  if (!mkosi || !mkb) throw new Error(`${path}: needs both a "mkosi:" and a "mkb:" line`);
  return { mkosi, mkb };
}

export function loadFixture(dir: string, name: string): ConfigFixture {
  const env: Record<string, string> = {};
  for (const line of lines(join(dir, 'env'))) {
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${join(dir, 'env')}: expected KEY=VALUE, got: ${line}`);
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  const modes = lines(join(dir, 'modes')).map((line) => {
    const [mode, path] = line.trim().split(/\s+/, 2);
    if (!mode || !path || !/^[0-7]{3,4}$/.test(mode)) throw new Error(`${join(dir, 'modes')}: expected "<octal> <path>", got: ${line}`);
    return { mode: parseInt(mode, 8), path };
  });
  const error = readExpectation(join(dir, 'expect-error'));
  const warning = readExpectation(join(dir, 'expect-warning'));
  return {
    name,
    dir,
    description: lines(join(dir, 'README')).join(' '),
    args: lines(join(dir, 'args')),
    env,
    ...(error ? { error } : {}),
    ...(warning ? { warning } : {}),
    modes,
  };
}

export function loadFixtures(root: string): ConfigFixture[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => loadFixture(join(root, name), name));
}

/** Copies the tree (without its meta files) to `dest` and applies its `modes`. */
export async function layOut(fixture: ConfigFixture, dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  const meta = new Set<string>(META_FILES);
  await cp(fixture.dir, dest, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => !meta.has(relative(fixture.dir, src)),
  });
  for (const { mode, path } of fixture.modes) await chmod(join(dest, path), mode);
}

/** Every text of the tree (file contents, args, env), to tell configured values from random ones. */
export function treeText(fixture: ConfigFixture): string {
  const parts: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) parts.push(readFileSync(p, 'utf8'));
    }
  };
  walk(fixture.dir);
  return parts.join('\n');
}

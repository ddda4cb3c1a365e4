import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import { MissingProgramError } from '../host/host-packages.js';

/** Extended attributes per relative path ('.' for the root), values base64. */
export type TreeXattrs = ReadonlyMap<string, Readonly<Record<string, string>>>;

const GETFATTR = '/usr/bin/getfattr';
const SETFATTR = '/usr/bin/setfattr';

/** getfattr and setfattr escape unusual bytes in names as `\ooo`. */
function unescapeName(name: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    if (name[i] === '\\' && /^[0-7]{3}$/.test(name.slice(i + 1, i + 4))) {
      bytes.push(Number.parseInt(name.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(name[i] as string));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function escapeName(name: string): string {
  return [...Buffer.from(name)].map((b) => (b < 0x21 || b > 0x7e || b === 0x5c || b === 0x3d ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b))).join('');
}

/** Parses `getfattr -d -e base64 --absolute-names` output. */
export function parseGetfattr(output: string, root: string): Map<string, Record<string, string>> {
  const result = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith('# file: ')) {
      const path = relative(root, unescapeName(line.slice('# file: '.length))) || '.';
      current = {};
      result.set(path, current);
    } else if (current && line.includes('=')) {
      const eq = line.indexOf('=');
      const value = line.slice(eq + 1);
      current[unescapeName(line.slice(0, eq))] = value.startsWith('0s') ? value.slice(2) : Buffer.from(value.replace(/^"|"$/g, '')).toString('base64');
    }
  }
  return result;
}

/**
 * Reads every extended attribute in a tree (security.capability, ACLs, SELinux labels, user.*) with one
 * getfattr process. Without getfattr (Debian package `attr`) this throws: silently dropping file
 * capabilities would make images that differ from what was built.
 */
export async function readTreeXattrs(root: string): Promise<TreeXattrs> {
  if (!existsSync(GETFATTR)) throw new MissingProgramError(GETFATTR, 'store extended attributes');
  const { execa } = await import('execa');
  const r = await execa(GETFATTR, ['--absolute-names', '--no-dereference', '--recursive', '--physical', '--dump', '--match=-', '--encoding=base64', root], { reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0 && r.stdout === '') throw new Error(`getfattr failed on ${root}: ${r.stderr}`);
  return parseGetfattr(r.stdout, root);
}

/** Restores extended attributes into a materialized tree with one setfattr process. */
export async function writeTreeXattrs(root: string, xattrs: ReadonlyArray<readonly [path: string, attrs: Readonly<Record<string, string>>]>): Promise<void> {
  if (xattrs.length === 0) return;
  if (!existsSync(SETFATTR)) throw new MissingProgramError(SETFATTR, 'restore extended attributes');
  const dump = xattrs.map(([path, attrs]) => [
    `# file: ${escapeName(path)}`,
    ...Object.entries(attrs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, value]) => `${escapeName(name)}=0s${value}`),
    '',
  ].join('\n')).join('\n');
  const { execa } = await import('execa');
  await execa(SETFATTR, ['--restore=-'], { cwd: root, input: dump + '\n' });
}

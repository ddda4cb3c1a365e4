// The host's apt sources, parsed (one-line `.list` and deb822 `.sources`). Debian-family distributions
// take their default mirror from here (DESIGN.md §6), so mkb never names a mirror host itself and a
// user's local mirror is respected.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface HostAptSource {
  readonly types: readonly ('deb' | 'deb-src')[];
  readonly uri: string;
  readonly suites: readonly string[];
  readonly components: readonly string[];
  /** A keyring path from `signed-by`; inline key blocks are not kept. */
  readonly signedBy?: string;
  /** `file:line` (one-line) or `file` (deb822), for messages. */
  readonly origin: string;
}

export interface HostAptSources {
  readonly sources: readonly HostAptSource[];
  /** Every file that was read, in order, for "searched: …" messages. */
  readonly searched: readonly string[];
}

function sourceType(word: string): 'deb' | 'deb-src' | undefined {
  return word === 'deb' || word === 'deb-src' ? word : undefined;
}

/** Parses one-line entries: `deb [key=value …] URI suite [component …]`. */
export function parseOneLineSources(text: string, origin: string): HostAptSource[] {
  const out: HostAptSource[] = [];
  text.split('\n').forEach((raw, index) => {
    let line = raw.replace(/#.*/, '').trim();
    const type = sourceType(line.split(/\s+/, 1)[0] ?? '');
    if (type === undefined) return;
    line = line.slice(type.length).trim();
    let signedBy: string | undefined;
    if (line.startsWith('[')) {
      const end = line.indexOf(']');
      if (end < 0) return;
      for (const option of line.slice(1, end).trim().split(/\s+/)) {
        const eq = option.indexOf('=');
        if (eq > 0 && option.slice(0, eq).toLowerCase() === 'signed-by') signedBy = option.slice(eq + 1);
      }
      line = line.slice(end + 1).trim();
    }
    const [uri, suite, ...components] = line.split(/\s+/);
    if (uri === undefined || uri === '' || suite === undefined) return;
    out.push({ types: [type], uri, suites: [suite], components, ...(signedBy ? { signedBy } : {}), origin: `${origin}:${index + 1}` });
  });
  return out;
}

function deb822Stanzas(text: string): Map<string, string>[] {
  const stanzas: Map<string, string>[] = [];
  let fields = new Map<string, string>();
  let last: string | undefined;
  for (const raw of [...text.split('\n'), '']) {
    if (raw.startsWith('#')) continue;
    if (raw.trim() === '') {
      if (fields.size > 0) stanzas.push(fields);
      fields = new Map();
      last = undefined;
    } else if (/^\s/.test(raw)) {
      if (last !== undefined) fields.set(last, `${fields.get(last) ?? ''}\n${raw.trim()}`);
    } else {
      const colon = raw.indexOf(':');
      if (colon < 0) continue;
      last = raw.slice(0, colon).trim().toLowerCase();
      fields.set(last, raw.slice(colon + 1).trim());
    }
  }
  return stanzas;
}

/** Parses deb822 stanzas (`Types:`, `URIs:`, `Suites:`, `Components:`, `Signed-By:`, `Enabled:`). */
export function parseDeb822Sources(text: string, origin: string): HostAptSource[] {
  const out: HostAptSource[] = [];
  for (const fields of deb822Stanzas(text)) {
    const words = (key: string): string[] => (fields.get(key) ?? '').split(/\s+/).filter((w) => w !== '');
    const types = words('types').map(sourceType).filter((t): t is 'deb' | 'deb-src' => t !== undefined);
    if (types.length === 0) continue;
    if (['no', 'false', 'off', '0'].includes((fields.get('enabled') ?? 'yes').toLowerCase())) continue;
    const signed = fields.get('signed-by');
    // An inline key block starts on the next line; only keyring paths are useful.
    const signedBy = signed !== undefined && !signed.includes('\n') && signed.startsWith('/') ? signed : undefined;
    for (const uri of words('uris')) {
      out.push({ types, uri, suites: words('suites'), components: words('components'), ...(signedBy ? { signedBy } : {}), origin });
    }
  }
  return out;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export interface ReadHostAptSourcesOptions {
  /** The host's apt configuration directory, normally `/etc/apt`. */
  readonly etcApt: string;
}

/** Reads `sources.list` and `sources.list.d/*.{list,sources}` (sorted, as apt does). Missing files are fine. */
export async function readHostAptSources(options: ReadHostAptSourcesOptions): Promise<HostAptSources> {
  const sources: HostAptSource[] = [];
  const searched: string[] = [];
  const main = join(options.etcApt, 'sources.list');
  const mainText = await readText(main);
  if (mainText !== undefined) {
    searched.push(main);
    sources.push(...parseOneLineSources(mainText, main));
  }
  const partsDir = join(options.etcApt, 'sources.list.d');
  const names = await readdir(partsDir).then((n) => n.sort(), () => [] as string[]);
  for (const name of names) {
    if (!name.endsWith('.list') && !name.endsWith('.sources')) continue;
    const path = join(partsDir, name);
    const text = await readText(path);
    if (text === undefined) continue;
    searched.push(path);
    sources.push(...(name.endsWith('.list') ? parseOneLineSources(text, path) : parseDeb822Sources(text, path)));
  }
  return { sources, searched };
}

// Finds the host's Debian archive in its apt sources, so that test helpers can fetch
// packages from the same mirror the host uses without naming any mirror in the repository.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface AptSource {
  readonly uri: string;
  readonly suites: readonly string[];
  readonly components: readonly string[];
  readonly signedBy?: string;
  /** Where the entry came from, for error messages. */
  readonly origin: string;
}

/** Suite names of the Debian archive proper (not security, not third-party repositories). */
const DEBIAN_SUITES = new Set([
  'buster', 'bullseye', 'bookworm', 'trixie', 'forky', 'duke', 'sid',
  'oldoldstable', 'oldstable', 'stable', 'testing', 'unstable', 'experimental',
]);

/** Parses one-line `deb [opt=val …] URI suite [component…]` entries. */
export function parseOneLineSources(text: string, origin: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line.startsWith('deb ') && !line.startsWith('deb\t')) continue;
    let rest = line.slice(3).trim();
    let signedBy: string | undefined;
    if (rest.startsWith('[')) {
      const end = rest.indexOf(']');
      if (end < 0) continue;
      for (const opt of rest.slice(1, end).trim().split(/\s+/)) {
        const [k, v] = opt.split('=', 2);
        if (k?.toLowerCase() === 'signed-by' && v) signedBy = v;
      }
      rest = rest.slice(end + 1).trim();
    }
    const [uri, suite, ...components] = rest.split(/\s+/);
    if (!uri || !suite) continue;
    out.push({ uri, suites: [suite], components, ...(signedBy ? { signedBy } : {}), origin });
  }
  return out;
}

/** Parses deb822 `.sources` stanzas (blank-line separated, `Key: value`, continuation lines). */
export function parseDeb822Sources(text: string, origin: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const raw of stanza.split('\n')) {
      if (raw.startsWith('#')) continue;
      if (/^\s/.test(raw) && last) {
        fields.set(last, `${fields.get(last) ?? ''}\n${raw.trim()}`);
        continue;
      }
      const colon = raw.indexOf(':');
      if (colon < 0) continue;
      last = raw.slice(0, colon).trim().toLowerCase();
      fields.set(last, raw.slice(colon + 1).trim());
    }
    const words = (key: string): string[] => (fields.get(key) ?? '').split(/\s+/).filter((w) => w !== '');
    if (!words('types').includes('deb')) continue;
    if (['no', 'false', 'off'].includes((fields.get('enabled') ?? 'yes').toLowerCase())) continue;
    const signed = fields.get('signed-by');
    // An inline key block starts on the next line; only a file path is useful to us.
    const signedBy = signed && !signed.includes('\n') && signed.startsWith('/') ? signed : undefined;
    for (const uri of words('uris')) {
      out.push({ uri, suites: words('suites'), components: words('components'), ...(signedBy ? { signedBy } : {}), origin });
    }
  }
  return out;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads every enabled `deb` entry of the host's apt configuration. */
export function readHostAptSources(etcApt = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const main = join(etcApt, 'sources.list');
  const mainText = readIfExists(main);
  if (mainText !== undefined) out.push(...parseOneLineSources(mainText, main));
  let entries: string[] = [];
  try {
    entries = readdirSync(join(etcApt, 'sources.list.d')).sort();
  } catch {
    entries = [];
  }
  for (const name of entries) {
    const path = join(etcApt, 'sources.list.d', name);
    const text = name.endsWith('.list') || name.endsWith('.sources') ? readIfExists(path) : undefined;
    if (text === undefined) continue;
    out.push(...(name.endsWith('.list') ? parseOneLineSources(text, path) : parseDeb822Sources(text, path)));
  }
  return out;
}

/**
 * The host's Debian archive: the first entry serving a plain Debian suite (bookworm, sid, stable, …).
 * Security and updates suites carry a dash and never match.
 */
export function findDebianArchive(sources: readonly AptSource[]): AptSource | undefined {
  return sources.find((s) => s.suites.some((suite) => DEBIAN_SUITES.has(suite)) && s.components.includes('main'));
}

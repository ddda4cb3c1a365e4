// Shell-style patterns with the semantics of Python's fnmatch, which mkosi's [Match] globs and its module,
// firmware and devicetree globs use: `*` matches any run of characters including `/`, `?` any one character,
// `[seq]`/`[!seq]` a character set; a `[` without its closing `]` is literal; there is no backslash escape.

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** The set starting at pattern[i] (just after `[`): its regex and the index after `]`, or undefined when unclosed. */
function translateSet(pattern: string, i: number): { regex: string; next: number } | undefined {
  let j = i;
  if (pattern[j] === '!') j++;
  if (pattern[j] === ']') j++;
  while (j < pattern.length && pattern[j] !== ']') j++;
  if (j >= pattern.length) return undefined;
  let body = pattern.slice(i, j);
  const negated = body.startsWith('!');
  if (negated) body = body.slice(1);
  // Ranges keep their `-`; everything else is literal inside the class.
  const parts: string[] = [];
  for (let k = 0; k < body.length; k++) {
    const c = body.charAt(k);
    if (c === '-' && k > 0 && k < body.length - 1) {
      parts.push('-');
      continue;
    }
    parts.push(/[\\\]^[-]/.test(c) ? `\\${c}` : c);
  }
  const inner = parts.join('');
  if (inner === '') return { regex: negated ? '[\\s\\S]' : '(?!)', next: j + 1 };
  return { regex: `[${negated ? '^' : ''}${inner}]`, next: j + 1 };
}

/** The anchored regular expression of a Python fnmatch pattern. */
export function fnmatchRegExp(pattern: string): RegExp {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern.charAt(i);
    i++;
    if (c === '*') {
      while (pattern[i] === '*') i++;
      out += '[\\s\\S]*';
    } else if (c === '?') {
      out += '[\\s\\S]';
    } else if (c === '[') {
      const set = translateSet(pattern, i);
      if (set === undefined) {
        out += '\\[';
      } else {
        out += set.regex;
        i = set.next;
      }
    } else {
      out += escapeRegExp(c);
    }
  }
  return new RegExp(`^${out}$`);
}

const cache = new Map<string, RegExp>();

/** Python's `fnmatch.fnmatch(name, pattern)` on POSIX (case-sensitive). */
export function fnmatch(name: string, pattern: string): boolean {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = fnmatchRegExp(pattern);
    cache.set(pattern, re);
  }
  return re.test(name);
}

const SLASH = 0x2f;

/**
 * Orders slash-separated paths by their components (`a` < `a/b` < `a-b`), as a sorted depth-first walk
 * lists them and as Python's pathlib compares them; '.' (a tree's root) comes first. That is code-unit
 * order with '/' below every other character: compared without splitting, as it sorts whole manifests.
 */
export function comparePathComponents(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '.') return -1;
  if (b === '.') return 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === SLASH) return -1;
    if (y === SLASH) return 1;
    return x - y;
  }
  return a.length - b.length;
}

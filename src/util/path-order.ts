/**
 * Orders slash-separated paths by their components (`a` < `a/b` < `a-b`), as a sorted depth-first walk
 * lists them and as Python's pathlib compares them; '.' (a tree's root) comes first.
 */
export function comparePathComponents(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '.') return -1;
  if (b === '.') return 1;
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    if (p !== q) return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

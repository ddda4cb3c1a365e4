/**
 * Orders versions as the UAPI version format specification does (systemd's strverscmp_improved,
 * which mkosi's GenericVersion follows). Returns <0, 0 or >0.
 */
export function compareVersions(left: string, right: string): number {
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9~^.\-]/g, '');
  let a = clean(left);
  let b = clean(right);
  const sign = (n: number): number => (n < 0 ? -1 : n > 0 ? 1 : 0);
  for (;;) {
    const ca = a[0];
    const cb = b[0];
    // '~' marks pre-releases: it sorts before everything, even the end of the string.
    if (ca === '~' || cb === '~') {
      if (ca !== '~') return 1;
      if (cb !== '~') return -1;
      a = a.slice(1); b = b.slice(1);
      continue;
    }
    if (ca === undefined || cb === undefined) return ca === cb ? 0 : ca === undefined ? -1 : 1;
    // '-' separates version and release; '^' marks patched releases; '.' separates components.
    const separators: ReadonlyArray<readonly [string, number]> = [['-', 1], ['^', -1], ['.', -1]];
    let handled = false;
    for (const [sep, whenOnlyRightHasIt] of separators) {
      if (ca === sep || cb === sep) {
        if (ca !== sep) return whenOnlyRightHasIt;
        if (cb !== sep) return -whenOnlyRightHasIt;
        a = a.slice(1); b = b.slice(1);
        handled = true;
        break;
      }
    }
    if (handled) continue;
    const isDigit = (c: string): boolean => c >= '0' && c <= '9';
    if (isDigit(ca) || isDigit(cb)) {
      if (!isDigit(ca)) return -1;
      if (!isDigit(cb)) return 1;
      const da = (/^\d+/.exec(a)?.[0] ?? '').replace(/^0+/, '');
      const db = (/^\d+/.exec(b)?.[0] ?? '').replace(/^0+/, '');
      if (da.length !== db.length) return sign(da.length - db.length);
      if (da !== db) return da < db ? -1 : 1;
      a = a.replace(/^\d+/, ''); b = b.replace(/^\d+/, '');
      continue;
    }
    const wa = /^[A-Za-z]+/.exec(a)?.[0] ?? '';
    const wb = /^[A-Za-z]+/.exec(b)?.[0] ?? '';
    const common = Math.min(wa.length, wb.length);
    const prefixA = wa.slice(0, common);
    const prefixB = wb.slice(0, common);
    if (prefixA !== prefixB) return prefixA < prefixB ? -1 : 1;
    if (wa.length !== wb.length) return sign(wa.length - wb.length);
    a = a.slice(wa.length); b = b.slice(wb.length);
  }
}

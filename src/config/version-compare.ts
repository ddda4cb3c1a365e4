/**
 * Orders versions as the UAPI version format specification does (systemd's strverscmp_improved,
 * which mkosi's GenericVersion follows; checked against `systemd-analyze compare-versions`).
 * Characters outside [A-Za-z0-9~^.-] are skipped but still split runs. Returns <0, 0 or >0.
 */
export function compareVersions(left: string, right: string): number {
  const valid = /[A-Za-z0-9~^.\-]/;
  const skipInvalid = (s: string): string => {
    let i = 0;
    while (i < s.length && !valid.test(s[i] as string)) i++;
    return s.slice(i);
  };
  const isDigit = (c: string): boolean => c >= '0' && c <= '9';
  let a = left;
  let b = right;
  for (;;) {
    a = skipInvalid(a);
    b = skipInvalid(b);
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
    // '-' (release), '^' (patch) and '.' (component) separators: the side that has one is older.
    let separated = false;
    for (const sep of ['-', '^', '.']) {
      if (ca !== sep && cb !== sep) continue;
      if (ca !== sep) return 1;
      if (cb !== sep) return -1;
      a = a.slice(1); b = b.slice(1);
      separated = true;
      break;
    }
    if (separated) continue;
    if (isDigit(ca) || isDigit(cb)) {
      if (!isDigit(ca)) return -1;
      if (!isDigit(cb)) return 1;
      const ra = /^\d+/.exec(a)?.[0] ?? '';
      const rb = /^\d+/.exec(b)?.[0] ?? '';
      const da = ra.replace(/^0+/, '');
      const db = rb.replace(/^0+/, '');
      if (da.length !== db.length) return da.length < db.length ? -1 : 1;
      if (da !== db) return da < db ? -1 : 1;
      a = a.slice(ra.length); b = b.slice(rb.length);
      continue;
    }
    const wa = /^[A-Za-z]+/.exec(a)?.[0] ?? '';
    const wb = /^[A-Za-z]+/.exec(b)?.[0] ?? '';
    const common = Math.min(wa.length, wb.length);
    if (wa.slice(0, common) !== wb.slice(0, common)) return wa.slice(0, common) < wb.slice(0, common) ? -1 : 1;
    if (wa.length !== wb.length) return wa.length < wb.length ? -1 : 1;
    a = a.slice(wa.length); b = b.slice(wb.length);
  }
}

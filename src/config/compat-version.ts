/** The mkosi release whose configuration semantics mkb implements. */
export const MKB_MKOSI_COMPAT_VERSION = '27.1';

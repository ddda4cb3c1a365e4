/** mkb's version, also part of every cache key's pre-image. */
export const MKB_VERSION = '0.1.0';

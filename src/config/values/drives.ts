import type { z } from 'zod';
import { ValueError, type ParseEnv, type ValueKind, type Zod } from './kind.js';
import { list } from './lists.js';
import { parsePathValue } from './paths.js';
import { parseBytes } from './scalars.js';

export const DRIVE_FLAGS = ['persist'] as const;

export const driveSchema = (z: Zod) => z.object({
  Id: z.string(),
  Size: z.number().int(),
  Directory: z.string().nullable(),
  Options: z.string().nullable(),
  FileId: z.string(),
  Flags: z.array(z.enum(DRIVE_FLAGS)),
});
export type Drive = z.infer<ReturnType<typeof driveSchema>>;

/**
 * One `Drives=` item: `ID:SIZE[:DIRECTORY[:OPTIONS[:FILE-ID[:FLAGS]]]]`. Empty fields are skipped
 * (`myfs:1G::::persist`): no directory, no options, the file id defaults to the drive id.
 */
export function parseDrive(raw: string, env: ParseEnv): Drive {
  const parts = raw.split(':');
  if (parts.length > 6) throw new ValueError(`Too many components in drive '${raw}`, 'use ID:SIZE[:DIRECTORY[:OPTIONS[:FILE-ID[:FLAGS]]]]');
  const [id = '', size, directory = '', options = '', fileId = '', flags = ''] = parts;
  if (size === undefined) throw new ValueError(`Missing size in drive '${raw}`, 'use ID:SIZE, e.g. data:10G');
  return {
    Id: id,
    Size: parseBytes(size),
    Directory: directory === '' ? null : parsePathValue(directory, env),
    Options: options === '' ? null : options,
    FileId: fileId === '' ? id : fileId,
    Flags: flags === '' ? [] : flags.split(',').map((flag) => {
      if (flag !== 'persist') throw new ValueError(`'${flag}' is not a valid DriveFlag`, `drive flags: ${DRIVE_FLAGS.join(', ')}`);
      return flag;
    }),
  };
}

/** `Drives=`: space/newline separated drive specifications. */
export function drives(): ValueKind<Drive[]> {
  return { ...list<Drive>({ split: 'space', item: parseDrive, itemSchema: driveSchema }), expects: 'ID:SIZE[:DIRECTORY[:OPTIONS[:FILE-ID[:FLAGS]]]] items' };
}

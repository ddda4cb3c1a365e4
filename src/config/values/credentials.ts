import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { z } from 'zod';
import { ValueError, type ParseEnv, type ValueKind, type Zod } from './kind.js';
import { resolvePath } from './paths.js';
import { shlexSplit } from './shlex.js';

export const credentialSchema = (z: Zod) => z.object({ Name: z.string(), Path: z.string().nullable(), Value: z.string().nullable() });
export type Credential = z.infer<ReturnType<typeof credentialSchema>>;

/** A file or every file of a directory (sorted by name), named after the file; the value is read at runtime. */
function credentialsFromPath(raw: string, env: ParseEnv): Credential[] {
  // 27.1 expands neither `~` nor `$VAR` here, and names the absolute path when it is missing.
  const path = resolvePath(env.cwd, raw);
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new ValueError(`${path} does not exist`, 'a Credentials= value without "=" is a file or a directory of credential files');
  }
  if (!isDirectory) return [{ Name: basename(path), Path: path, Value: null }];
  return readdirSync(path)
    .sort()
    .map((name) => join(path, name))
    .filter((file) => statSync(file, { throwIfNoEntry: false })?.isFile() ?? false)
    .map((file) => ({ Name: basename(file), Path: file, Value: null }));
}

/**
 * `Credentials=`: when the value contains `=`, shell words `NAME=VALUE` (a word without `=` is a name
 * with an empty value); otherwise the whole value is one path (a file, or a directory of files).
 * Repeated names are kept; the list only resets on an empty assignment.
 */
export function credentials(): ValueKind<Credential[]> {
  return {
    schema: (z) => z.array(credentialSchema(z)), collection: true, empty: [], expects: 'NAME=VALUE words, or a file or directory',
    parse(raw, old, env) {
      if (raw.trim() === '') return [];
      const items = [...(old ?? [])];
      if (!raw.includes('=')) return [...items, ...credentialsFromPath(raw, env)];
      for (const word of shlexSplit(raw)) {
        const eq = word.indexOf('=');
        items.push(eq < 0 ? { Name: word, Path: null, Value: '' } : { Name: word.slice(0, eq), Path: null, Value: word.slice(eq + 1) });
      }
      return items;
    },
  };
}

import { readFileSync, statSync } from 'node:fs';
import type { z } from 'zod';
import { IniSyntaxError, parseIni } from '../ini.js';
import { ValueError, type ParseEnv, type ValueKind, type Zod } from './kind.js';
import { list, splitItems } from './lists.js';
import { parsePathValue } from './paths.js';
import { parseBooleanWord } from './scalars.js';

/**
 * One `UnifiedKernelImageProfiles=` entry as `summary --json` prints it. `Cmdline` and `SignExpectedPcr`
 * are null after an empty assignment in the profile file (27.1 does not fall back to the defaults).
 */
export const ukiProfileSchema = (z: Zod) => z.object({
  Cmdline: z.array(z.string()).nullable(),
  Profile: z.record(z.string(), z.string()),
  SignExpectedPcr: z.boolean().nullable(),
});
export type UkiProfile = z.infer<ReturnType<typeof ukiProfileSchema>>;

/** The section a profile file's settings live in; every other section is ignored. */
const SECTION = 'UKIProfile';

/**
 * `Profile=` items: one `KEY=VALUE` per line (continuation lines), split at the first `=` and stripped,
 * without shell quoting (`TITLE="a b"` keeps its quotes); a line without `=` is a key with an empty value.
 */
function addProfileItems(old: Readonly<Record<string, string>>, value: string): Record<string, string> {
  if (value === '') return {};
  const result: Record<string, string> = { ...old };
  for (const line of value.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) result[line.trim()] = '';
    else result[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return result;
}

/**
 * Reads a `[UKIProfile]` file: `Profile=` (dict), `Cmdline=` (space-separated list) and
 * `SignExpectedPcr=` (boolean, default true). No specifiers are expanded; unknown keys are warned about.
 */
export function readUkiProfile(path: string, env: ParseEnv): UkiProfile {
  if (statSync(path).isDirectory()) throw new ValueError(`${path} is a directory`, 'UnifiedKernelImageProfiles= takes [UKIProfile] files');
  let sections;
  try {
    sections = parseIni(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof IniSyntaxError) throw new ValueError(`${path}:${String(error.line)}: ${error.message}`, error.hint);
    throw error;
  }
  const profile: UkiProfile = { Cmdline: [], Profile: {}, SignExpectedPcr: true };
  for (const section of sections) {
    if (section.name !== SECTION) continue;
    for (const { key, value, line } of section.assignments) {
      switch (key) {
        case 'Profile':
          profile.Profile = addProfileItems(profile.Profile, value);
          break;
        case 'Cmdline':
          profile.Cmdline = value === '' ? null : [...(profile.Cmdline ?? []), ...splitItems(value, 'space')];
          break;
        case 'SignExpectedPcr': {
          if (value === '') {
            profile.SignExpectedPcr = null;
            break;
          }
          const flag = parseBooleanWord(value);
          if (flag === undefined) throw new ValueError(`${path}:${String(line)}: Invalid boolean literal: '${value}'`, 'SignExpectedPcr= takes yes or no');
          profile.SignExpectedPcr = flag;
          break;
        }
        default:
          env.warn?.(`${path}: Unknown setting ${key}`);
      }
    }
  }
  return profile;
}

/** `UnifiedKernelImageProfiles=`: existing `[UKIProfile]` files (no globs), each read when it is assigned. */
export function ukiProfiles(): ValueKind<UkiProfile[]> {
  return list<UkiProfile>({
    itemSchema: ukiProfileSchema,
    item: (raw, env) => readUkiProfile(parsePathValue(raw, env), env),
  });
}

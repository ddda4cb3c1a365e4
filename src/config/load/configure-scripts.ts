// Loaded only by the build verbs, so it may import zod eagerly.
import { z } from 'zod';
import { ConfigInvalid, type ConfigDiagnostic } from '../diagnostics.js';
import { SETTINGS } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import { dumpJsonCompact } from './summary-json.js';
import type { ImageJson } from './types.js';

/** Keys of the image JSON that are not settings but may appear in a configure script's output. */
const EXTRA_KEYS = new Set(['Files', 'Image', 'BuildSubdirectory']);

let byJsonKey: Map<string, SettingDef> | undefined;
function settingFor(key: string): SettingDef | undefined {
  if (!byJsonKey) {
    byJsonKey = new Map();
    for (const def of SETTINGS as readonly SettingDef[]) {
      if (def.jsonKey === null) continue;
      const jsonKey = def.jsonKey ?? def.name;
      byJsonKey.set(normalizeKey(jsonKey), def);
    }
  }
  return byJsonKey.get(normalizeKey(key));
}

/** Setting names and mkosi's snake_case field names compare equal: `BuildSourcesEphemeral` ~ `build_sources_ephemeral`. */
export function normalizeKey(name: string): string {
  return name.replaceAll('_', '').toLowerCase();
}

/**
 * Validates the JSON a configure script printed: mkosi starts from an all-defaults config and replaces
 * the printed keys (by setting name or snake_case name); unknown keys with a non-empty value and values
 * that do not fit the setting's schema are errors, all reported together.
 */
export function applyConfigureOutput(printed: unknown, defaults: ImageJson, script: string): ImageJson {
  const at = { kind: 'default-path', file: script } as const;
  if (printed === null || typeof printed !== 'object' || Array.isArray(printed)) {
    throw new ConfigInvalid([{ severity: 'error', message: 'configure script output is not a JSON object', at }]);
  }
  const out: Record<string, unknown> = { ...defaults };
  const problems: ConfigDiagnostic[] = [];
  for (const [key, value] of Object.entries(printed as Record<string, unknown>)) {
    if (EXTRA_KEYS.has(key)) {
      out[key] = value;
      continue;
    }
    const def = settingFor(key);
    if (!def) {
      const empty = value === null || value === '' || (Array.isArray(value) && value.length === 0)
        || (typeof value === 'object' && value !== null && Object.keys(value).length === 0);
      if (!empty) problems.push({ severity: 'error', message: `configure script printed unknown setting ${key}`, at, setting: key });
      continue;
    }
    const parsed = def.kind.schema(z).safeParse(value);
    if (!parsed.success) {
      problems.push({
        severity: 'error', message: `configure script printed an invalid ${def.name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
        at, setting: def.name, hint: `expected ${def.kind.expects}`,
      });
      continue;
    }
    out[def.jsonKey ?? def.name] = parsed.data;
  }
  if (problems.length > 0) throw new ConfigInvalid(problems);
  return out;
}

export interface ConfigureScriptOptions {
  readonly script: string;
  /** The image's config as `summary --json` prints it; piped compactly to the script's stdin. */
  readonly config: ImageJson;
  /** The all-defaults config the script's output is laid over. */
  readonly defaults: ImageJson;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/** Runs one configure script and returns the config it printed, validated. */
export async function runConfigureScript(options: ConfigureScriptOptions): Promise<ImageJson> {
  const at = { kind: 'default-path', file: options.script } as const;
  const { execa } = await import('execa');
  const result = await execa(options.script, [], {
    cwd: options.cwd, env: { ...options.env }, extendEnv: false, input: dumpJsonCompact(options.config), reject: false,
    stderr: 'inherit',
  });
  if (result.exitCode !== 0) {
    throw new ConfigInvalid([{ severity: 'error', message: `configure script failed with exit status ${String(result.exitCode ?? result.signal)}`, at }]);
  }
  let printed: unknown;
  try {
    printed = JSON.parse(result.stdout);
  } catch (error) {
    throw new ConfigInvalid([{ severity: 'error', message: `configure script printed invalid JSON: ${String(error)}`, at }]);
  }
  return applyConfigureOutput(printed, options.defaults, options.script);
}

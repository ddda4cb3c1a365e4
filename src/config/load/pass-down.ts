import { SETTINGS } from '../settings/index.js';
import type { SettingDef } from '../settings/types.js';
import type { ParseContext } from './parse-context.js';
import { storageKey } from './parse-context.js';
import { lookupStorage } from './storage.js';

const MAIN_ONLY = new Set(['universal', 'multiversal', 'main', 'tools', 'initrd']);

/** Subimages and the default initrd may not assign settings that only the main image configures. */
export function subimageForbidden(def: SettingDef): string | undefined {
  return MAIN_ONLY.has(def.scope) ? `Setting ${def.name} cannot be configured in sub image` : undefined;
}

/** The default tools tree accepts only settings flagged `tools`. */
export function toolsForbidden(def: SettingDef): string | undefined {
  return def.tools ? undefined : `Setting ${def.name} cannot be configured in tools image`;
}

/** Main's Environment restricted to the variables named in PassEnvironment. */
export function passedEnvironment(main: ParseContext): Record<string, string> {
  const env = (main.get('Environment') ?? {}) as Readonly<Record<string, string>>;
  const names = (main.get('PassEnvironment') ?? []) as readonly string[];
  return Object.fromEntries(names.filter((n) => Object.hasOwn(env, n)).map((n) => [n, env[n] as string]));
}

/** Copies a value in place of the target's (`InitrdProfiles` replaces inherited Profiles), keeping its origin: command line to command line, files to files, a default as the default. */
export function transfer(from: ParseContext, fromKey: string, to: ParseContext, toKey: string): void {
  const explicit = from.cli.has(fromKey) || from.cliDefaults.has(fromKey) || from.config.has(fromKey);
  if (!explicit) {
    to.overrideDefault(toKey, from.get(fromKey));
    return;
  }
  const value = from.get(fromKey);
  to.clear(toKey);
  to.seed(toKey, value, from.config.has(fromKey) && !from.cli.has(fromKey) ? 'config' : 'cli');
}

export interface SeedOptions {
  /** Scopes forced into the new context's command-line namespace when main sets them. */
  readonly forced: ReadonlySet<string>;
  /** Scopes forced into the command-line namespace with main's current value, set or not (the default initrd). */
  readonly forcedAlways?: ReadonlySet<string>;
  /** Scopes copied into its file namespace (the image's own files may override them). */
  readonly inherited: ReadonlySet<string>;
}

/** Seeds a new image context with what the main image passes down (mkosi-reference §1.10). */
export function seedFromMain(ctx: ParseContext, main: ParseContext, options: SeedOptions): void {
  for (const def of SETTINGS as readonly SettingDef[]) {
    const key = storageKey(def);
    if (options.forcedAlways?.has(def.scope)) {
      ctx.seed(key, main.get(key), 'cli');
      continue;
    }
    if (!main.isSet(key)) continue;
    if (options.forced.has(def.scope)) ctx.seed(key, main.get(key), 'cli');
    else if (options.inherited.has(def.scope)) ctx.seed(key, main.get(key), 'config');
  }
  if (lookupStorage('Environment')) ctx.seed('Environment', passedEnvironment(main), 'config');
}

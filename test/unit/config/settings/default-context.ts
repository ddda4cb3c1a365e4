import type { DefaultContext, DefaultRule, HostFacts, SettingDef } from '../../../../src/config/settings/types.js';
import type { ParseEnv } from '../../../../src/config/values/kind.js';

/** Host facts of a root Debian bookworm host invoked with `-C /src/proj`. */
export function hostFacts(overrides: Partial<HostFacts> = {}): HostFacts {
  return {
    distribution: 'debian', release: 'bookworm', architecture: 'x86-64', env: {}, home: '/root',
    directory: '/src/proj', caBundle: '/etc/ssl/certs/ca-certificates.crt',
    randomUuid: () => '00000000-0000-4000-8000-000000000000', uid: 0,
    ...overrides,
  };
}

/** A plain DefaultContext over fixed values of other settings. */
export function defaultContext(values: Readonly<Record<string, unknown>> = {}, host: Partial<HostFacts> = {}): DefaultContext {
  return { get: (name) => values[name] ?? null, host: hostFacts(host), image: 'main' };
}

/** The setting's default in `ctx` (its kind's empty value when it has no rule). */
export function defaultOf(def: SettingDef, ctx: DefaultContext = defaultContext()): unknown {
  const rule = def.default as DefaultRule<unknown> | undefined;
  if (!rule) return def.kind.empty;
  return 'value' in rule ? rule.value : rule.compute(ctx);
}

export function parseEnv(cwd: string, env: Readonly<Record<string, string>> = {}): ParseEnv {
  return { cwd, env, home: '/home/u', randomUuid: () => '00000000-0000-4000-8000-000000000000' };
}

/** Parses assignments in order, like one file assigning the setting several times. */
export function parseAll(def: SettingDef, raws: readonly string[], env: ParseEnv): unknown {
  let value: unknown;
  for (const raw of raws) value = def.kind.parse(raw, value, env);
  return value;
}

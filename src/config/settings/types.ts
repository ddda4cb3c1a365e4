import type { ValueKind } from '../values/kind.js';

/** The INI sections whose settings mkosi reads; any other section is ignored. */
export const SETTING_SECTIONS = [
  'Include', 'Config', 'Distribution', 'Output', 'Content', 'Validation', 'Build', 'Runtime',
] as const;
export type Section = (typeof SETTING_SECTIONS)[number];

/**
 * Where a setting may be assigned and how it travels between images (mkosi-reference §1.10).
 * universal: main only, forced into every subimage; multiversal: also into tools tree and initrd;
 * inherit: copied into subimages as a file-level value; main: main image only, never passed on;
 * tools / initrd: `ToolsTreeX` / `InitrdX` mapped to `X` in the default tools tree / initrd;
 * initrd-inherit: anywhere, also copied into the default initrd.
 */
export type Scope = 'local' | 'universal' | 'multiversal' | 'inherit' | 'main' | 'tools' | 'initrd' | 'initrd-inherit';

/** How `[Match]`/`[Assert]` compare a condition against the setting's current value. */
export type MatchMode =
  | 'equal'          // string/enum equality
  | 'member'         // value is one of the list's items
  | 'profiles'       // member, and an empty value matches an empty list
  | 'glob'           // fnmatchcase against the value
  | 'version'        // ==,!=,<,>,<=,>= prefix, UAPI version comparison
  | 'architecture'   // equality, plus `uefi` = any EFI-capable architecture
  | 'feature'        // feature equality; booleans map to enabled/disabled
  | 'environment'    // K=V exact or K present
  | 'build-sources'; // a BuildSources target equals the value (leading / stripped)

/** Facts about the host and the invocation that defaults may depend on. */
export interface HostFacts {
  distribution: string;            // os-release ID mapped to a Distribution, or 'custom'
  release: string | null;          // VERSION_CODENAME for apt distributions, else VERSION_ID
  architecture: string;            // mkosi architecture name of the machine
  env: Readonly<Record<string, string>>;
  home: string;
  /** `--directory` as given (resolved); null for `-C ''`. */
  directory: string | null;
  /** First existing CA bundle, for ProxyPeerCertificate. */
  caBundle: string | null;
  /** UUID generator for Seed; injected so tests are deterministic. */
  randomUuid: () => string;
  /** Effective uid of the mkb process (DelegateRanges defaults to 0 for root, 3 otherwise). */
  uid: number;
  /**
   * The host's systemd version (`systemctl --version`), for `SystemdVersion=` conditions; asked for only
   * when such a condition is evaluated. Absent: unknown, and `SystemdVersion=` conditions do not hold.
   */
  systemdVersion?: () => Promise<string | null>;
  /**
   * The os-release fields of the tree at `root` (`/` for the host; empty when it has none), for
   * RepositoryKeyFetch's default. Absent: the host counts as `{ ID: distribution }` and other trees as empty.
   */
  osRelease?: (root: string) => Readonly<Record<string, string>>;
}

/** Read access to other settings' finalized values while computing a default. */
export interface DefaultContext {
  get(name: string): unknown;
  readonly host: HostFacts;
  /** Name of the image being configured: 'main', a subimage name, 'tools' or 'default-initrd'. */
  readonly image: string;
}

export type DefaultRule<T> =
  | { readonly value: T }
  | { readonly dependsOn: readonly string[]; compute(ctx: DefaultContext): T };

/** A file or directory next to mkosi.conf that feeds a setting when it exists (mkosi.extra/, mkosi.version, …). */
export interface DefaultPath {
  readonly path: string;
  /** 'path': the path itself is the value; 'contents': the file's contents (stdout if executable). */
  readonly use?: 'path' | 'contents';
}

export interface CliFlags {
  /** Long option without value, e.g. '--package'. */
  readonly long: string;
  readonly short?: string;
  readonly metavar?: string;
  /** The short flag takes no value and assigns this one (`-T` → `no`, `-i` → `yes`, `-a` → `yes`). */
  readonly shortConst?: string;
  /** The long option's value is optional (argparse `nargs='?'`): alone it assigns this (`--checksum` → `yes`). */
  readonly bareConst?: string;
  /**
   * argparse `choices` (27.1: Distribution, Architecture, Format, Bootloader, …, always ending in `''`):
   * any other value on the command line is a usage error (exit 2, `invalid choice: 'x' (choose from …)`)
   * before configuration is read, and `--help` shows them as `{a,b,}`. Absent: the value goes to the parser.
   */
  readonly choices?: readonly string[];
}

export interface SettingDef<Name extends string = string, T = unknown> {
  readonly name: Name;
  readonly section: Section;
  readonly scope: Scope;
  readonly kind: ValueKind<T>;
  readonly help: string;
  /** Absent: the kind's empty value (mkosi's `parse(None)`). */
  readonly default?: DefaultRule<T>;
  /** Absent: not settable on the command line. */
  readonly cli?: CliFlags;
  readonly paths?: readonly DefaultPath[];
  readonly match?: MatchMode;
  /** `%x` specifier expanding to this setting's current value. */
  readonly specifier?: string;
  /** Values are never printed in full and files must not be world-readable. */
  readonly secret?: boolean;
  readonly compatNames?: readonly string[];
  /** May be set in the default tools tree's configuration. */
  readonly tools?: boolean;
  /** JSON key in `summary --json` when it differs from `name` (settings sharing storage); null: not in the JSON. */
  readonly jsonKey?: string | null;
  /**
   * Scope 'tools': the unprefixed setting this one feeds in the default tools tree
   * (`ToolsTreePackages` → `Packages`). Such settings have `jsonKey: null`: they never appear in an
   * image's JSON, only as `toolsTarget` in the `Tools` object.
   */
  readonly toolsTarget?: string;
  /** Scope 'initrd': the unprefixed setting this one feeds in the default initrd (`InitrdPackages` → `Packages`). */
  readonly initrdTarget?: string;
  /**
   * An empty assignment (file or CLI) sets the value to null and the default rule is not applied
   * (27.1: `Machine=`, `ProxyUrl=`, `ProxyPeerCertificate=`, `ProxyClientKey=`, `ToolsTreeMirror=`,
   * `ToolsTreeSnapshot=` all print null, while e.g. `Release=` or `Checksum=` fall back to their default).
   */
  readonly emptyIsNull?: boolean;
}

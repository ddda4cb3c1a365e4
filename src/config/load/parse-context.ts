import { ConfigInvalid, type DiagnosticSink } from '../diagnostics.js';
import type { DefaultContext, HostFacts, SettingDef } from '../settings/types.js';
import { ValueError, type ParseEnv } from '../values/kind.js';

/** A scalar reset by an empty file assignment: it reads as the default, and local config promotes that default. */
const RESET: unique symbol = Symbol('reset');

/** Where a setting's value is kept: settings sharing storage (regex compat forms) name their target in jsonKey. */
export function storageKey(def: SettingDef): string {
  return typeof def.jsonKey === 'string' ? def.jsonKey : def.name;
}

export interface ParseContextOptions {
  /** 'main', a subimage name, 'tools' or 'default-initrd'. */
  readonly image: string;
  readonly host: HostFacts;
  readonly sink: DiagnosticSink;
  /** Looks settings up by storage key (for defaults and finalizing). */
  readonly lookup: (name: string) => SettingDef | undefined;
  /** Checks whether a setting may be assigned in this image; returns an error message when not. */
  readonly forbidden?: (def: SettingDef) => string | undefined;
  /** The directory whose config is parsed first (mkosi's initial working directory). */
  readonly cwd: string;
}

/**
 * The values of one image while its configuration is parsed: two namespaces (command line and files)
 * and a cache of defaults that, once computed, stick for the rest of the context (as in mkosi 27.1).
 */
export class ParseContext {
  readonly image: string;
  readonly host: HostFacts;
  readonly sink: DiagnosticSink;
  readonly lookup: (name: string) => SettingDef | undefined;
  readonly forbidden: (def: SettingDef) => string | undefined;
  /** Command-line namespace (plus promoted local config): storage key → JSON value. */
  readonly cli = new Map<string, unknown>();
  /** Collections emptied on the command line: the CLI value replaces the files' value. */
  readonly cliReplaces = new Set<string>();
  /** Scalars emptied on the command line: their default, computed from the command line alone. */
  readonly cliDefaults = new Set<string>();
  /** File namespace: storage key → JSON value. */
  readonly config = new Map<string, unknown>();
  readonly #defaults = new Map<string, unknown>();
  readonly #cliOnlyDefaults = new Map<string, unknown>();
  readonly #computing = new Set<string>();
  /** Config files parsed, in order (the `Files` key). */
  readonly files: string[] = [];
  /** `dev:ino` of every include already parsed in this context. */
  readonly includesSeen = new Set<string>();
  /** mkosi's working directory: the directory whose config is being parsed. */
  cwd: string;
  /** The directory of the config file being parsed (`%C`). */
  configDir: string;

  constructor(options: ParseContextOptions) {
    this.image = options.image;
    this.host = options.host;
    this.sink = options.sink;
    this.lookup = options.lookup;
    this.forbidden = options.forbidden ?? (() => undefined);
    this.cwd = options.cwd;
    this.configDir = options.cwd;
  }

  /** What value parsers see: the current directory and the host environment. */
  parseEnv(cwd: string = this.cwd): ParseEnv {
    const host = this.host;
    return { cwd, env: host.env, home: host.home, randomUuid: () => host.randomUuid() };
  }

  /** Parses one raw assignment into a namespace (throws ValueError). */
  assign(def: SettingDef, raw: string, namespace: 'cli' | 'config', env: ParseEnv): void {
    const key = storageKey(def);
    const kind = def.kind;
    if (raw === '' && def.emptyIsNull && !kind.collection) {
      (namespace === 'cli' ? this.cli : this.config).set(key, null);
      if (namespace === 'cli') this.cliDefaults.delete(key);
      return;
    }
    if (namespace === 'cli') {
      if (raw === '') {
        if (kind.collection) {
          this.cliReplaces.add(key);
          this.cli.set(key, kind.parse('', this.cli.get(key), env));
        } else {
          this.cli.delete(key);
          this.cliDefaults.add(key);
        }
        return;
      }
      this.cliDefaults.delete(key);
      this.cli.set(key, kind.parse(raw, this.cli.get(key), env));
      return;
    }
    if (raw === '' && !kind.collection) {
      this.config.set(key, RESET);
      return;
    }
    const old = this.config.get(key);
    this.config.set(key, kind.parse(raw, old === RESET ? undefined : old, env));
  }

  /** The current value: command line over files over the (memoized) default. */
  get(key: string): unknown {
    const def = this.lookup(key);
    const collection = def?.kind.collection ?? false;
    if (this.cli.has(key)) {
      const cli = this.cli.get(key);
      if (collection && this.config.has(key) && !this.cliReplaces.has(key)) return merge(this.config.get(key), cli);
      return cli;
    }
    if (this.cliDefaults.has(key)) return this.#cliOnlyDefault(key);
    if (this.config.has(key)) {
      const value = this.config.get(key);
      return value === RESET ? this.default(key) : value;
    }
    return this.default(key);
  }

  /** Whether any namespace holds an explicit value (defaults excluded). */
  isSet(key: string): boolean {
    return this.cli.has(key) || this.config.has(key) || this.cliDefaults.has(key);
  }

  /** Computes a setting's default once; later reads see the same value even if its inputs change. */
  default(key: string): unknown {
    if (this.#defaults.has(key)) return this.#defaults.get(key);
    const value = this.#computeDefault(key, this.#defaultContext((name) => this.get(name)));
    this.#defaults.set(key, value);
    return value;
  }

  #cliOnlyDefault(key: string): unknown {
    if (this.#cliOnlyDefaults.has(key)) return this.#cliOnlyDefaults.get(key);
    const view = (name: string): unknown => {
      if (this.cli.has(name)) return this.cli.get(name);
      return this.#cliOnlyDefault(name);
    };
    const value = this.#computeDefault(key, this.#defaultContext(view));
    this.#cliOnlyDefaults.set(key, value);
    return value;
  }

  #defaultContext(get: (name: string) => unknown): DefaultContext {
    return { get, host: this.host, image: this.image };
  }

  #computeDefault(key: string, ctx: DefaultContext): unknown {
    const def = this.lookup(key);
    if (!def) return null;
    const rule = def.default;
    if (!rule) return cloneEmpty(def.kind.empty);
    if ('value' in rule) return cloneEmpty(rule.value);
    if (this.#computing.has(key)) return cloneEmpty(def.kind.empty);
    this.#computing.add(key);
    try {
      return rule.compute(ctx);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      // Defaults are computed on first read, after the files' problems were reported: this one stops loading.
      throw new ConfigInvalid([{ severity: 'error', message: error.message, setting: key, ...(error.at ? { at: error.at } : {}), ...(error.hint ? { hint: error.hint } : {}) }]);
    } finally {
      this.#computing.delete(key);
    }
  }

  /**
   * Local config promotion: every value in the file namespace is finalized and moved to the command-line
   * namespace, so it beats all files parsed later but not the real command line.
   */
  promote(): void {
    for (const key of [...this.config.keys()]) {
      const value = this.get(key);
      this.config.delete(key);
      this.cli.set(key, value);
      this.cliDefaults.delete(key);
    }
  }

  /** Forgets every explicit value of a setting (both namespaces), so a mapped setting can take its place. */
  clear(key: string): void {
    this.cli.delete(key);
    this.config.delete(key);
    this.cliReplaces.delete(key);
    this.cliDefaults.delete(key);
  }

  /** Replaces a setting's default (the tools tree takes ToolsTreeX's default as X's default). */
  overrideDefault(key: string, value: unknown): void {
    this.#defaults.set(key, value);
  }

  /** Seeds a value into a namespace directly (passing settings down to subimages, tools tree, initrd). */
  seed(key: string, value: unknown, namespace: 'cli' | 'config'): void {
    (namespace === 'cli' ? this.cli : this.config).set(key, value);
  }
}

function cloneEmpty<T>(value: T): T {
  if (Array.isArray(value)) return [...value] as T;
  if (value !== null && typeof value === 'object') return { ...value } as T;
  return value;
}

/** Collections merge: lists concatenate (files first), dicts union with the command line winning. */
export function merge(files: unknown, cli: unknown): unknown {
  if (Array.isArray(files) && Array.isArray(cli)) return [...(files as unknown[]), ...(cli as unknown[])];
  if (isRecord(files) && isRecord(cli)) return { ...files, ...cli };
  return cli;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

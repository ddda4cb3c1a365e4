/** Where a config value came from: a file and line, the command line, a file found by name, or mkb's environment. */
export type SourceLocation =
  | { readonly kind: 'file'; readonly file: string; readonly line: number }
  | { readonly kind: 'cli'; readonly option: string }
  | { readonly kind: 'default-path'; readonly file: string }
  | { readonly kind: 'environment'; readonly variable: string };

export interface ConfigDiagnostic {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly at?: SourceLocation;
  /** The setting concerned, e.g. 'Packages'. */
  readonly setting?: string;
  /** The offending text as written, e.g. 'WithDocs=maybe'. */
  readonly text?: string;
  readonly hint?: string;
}

/** Collects diagnostics of one parsing pass so that all problems are reported together. */
export class DiagnosticSink {
  readonly #items: ConfigDiagnostic[] = [];

  error(diagnostic: Omit<ConfigDiagnostic, 'severity'>): void {
    this.#items.push({ severity: 'error', ...diagnostic });
  }

  warn(diagnostic: Omit<ConfigDiagnostic, 'severity'>): void {
    this.#items.push({ severity: 'warning', ...diagnostic });
  }

  get items(): readonly ConfigDiagnostic[] {
    return this.#items;
  }

  get hasErrors(): boolean {
    return this.#items.some((item) => item.severity === 'error');
  }

  /** Throws the collected errors, if any, as one ConfigInvalid. */
  throwIfErrors(): void {
    if (this.hasErrors) throw new ConfigInvalid(this.#items.filter((item) => item.severity === 'error'));
  }
}

/** The expected failure of config loading: one or more located problems. Never carries a stack to the user. */
export class ConfigInvalid extends Error {
  constructor(readonly diagnostics: readonly ConfigDiagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
    this.name = 'ConfigInvalid';
  }
}

export function formatLocation(at: SourceLocation): string {
  switch (at.kind) {
    case 'file': return `${at.file}:${at.line}`;
    case 'cli': return `command line option ${at.option}`;
    case 'default-path': return at.file;
    case 'environment': return `environment variable $${at.variable}`;
  }
}

/** Renders one diagnostic in mkb's what / where / why / what-next form. */
export function renderDiagnostic(d: ConfigDiagnostic): string {
  const mark = d.severity === 'error' ? '✗' : '‣ warning:';
  const lines = [`${mark} config: ${d.setting ? `${d.setting}: ` : ''}${d.message}`];
  if (d.at) lines.push(`    ${formatLocation(d.at)}${d.text ? `   ${d.text}` : ''}`);
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join('\n');
}

/** One `Key=value` assignment as written, with where it came from. */
export interface IniAssignment {
  readonly section: string;
  readonly key: string;
  /** Stripped; continuation lines joined with '\n'; '' for an empty assignment. */
  readonly value: string;
  readonly line: number;
}

export interface IniSection {
  readonly name: string;
  readonly line: number;
  readonly assignments: IniAssignment[];
}

/** A syntax error; the loader adds the file name. */
export class IniSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly hint?: string) {
    super(message);
    this.name = 'IniSyntaxError';
  }
}

/** The smallest leading whitespace of all non-blank lines, like Python's textwrap.dedent. */
function commonIndent(lines: readonly string[]): number {
  let indent = Infinity;
  for (const line of lines) {
    if (line.trim() === '') continue;
    indent = Math.min(indent, line.length - line.trimStart().length);
  }
  return indent === Infinity ? 0 : indent;
}

/**
 * Parses mkosi's INI dialect: `#` starts a comment anywhere in a line, indented lines continue the
 * previous value, keys may repeat, section names and keys are case-sensitive.
 */
export function parseIni(text: string): IniSection[] {
  const raw = text.split('\n');
  const dedent = commonIndent(raw);
  const sections: IniSection[] = [];
  let section: IniSection | undefined;
  let last: { key: string; value: string; line: number } | undefined;
  const flush = (): void => {
    if (last && section) section.assignments.push({ section: section.name, key: last.key, value: last.value, line: last.line });
    last = undefined;
  };

  raw.forEach((fullLine, index) => {
    const lineNo = index + 1;
    const hash = fullLine.indexOf('#');
    const line = (hash < 0 ? fullLine : fullLine.slice(0, hash)).slice(dedent).replace(/\s+$/, '');
    if (line.trim() === '') return;

    if (/^\s/.test(line) && section && last) {
      last.value += '\n' + line.trim();
      return;
    }
    flush();
    if (line.startsWith('[')) {
      if (!line.endsWith(']')) throw new IniSyntaxError(`section header '${line}' must end with ']'`, lineNo);
      const name = line.slice(1, -1).trim();
      if (name === '') throw new IniSyntaxError('section name must not be empty', lineNo);
      section = { name, line: lineNo, assignments: [] };
      sections.push(section);
      return;
    }
    if (!section) throw new IniSyntaxError(`setting '${line.trim()}' must be in a section`, lineNo, 'put it under a [Section] header, e.g. [Content]');
    const eq = line.indexOf('=');
    if (eq < 0) throw new IniSyntaxError(`setting ${line.trim()} must be followed by '='`, lineNo);
    const key = line.slice(0, eq).trim();
    if (key === '') throw new IniSyntaxError('setting name must not be empty', lineNo);
    last = { key, value: line.slice(eq + 1).trim(), line: lineNo };
  });
  flush();
  return sections;
}

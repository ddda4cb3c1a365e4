/** Everything a verb may take from the process, read once at the edge (R4) and passed down as values. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Whether stdout is a terminal (human summary layout, pager decisions). */
  readonly isTTY: boolean;
}

export function processIo(): CliIo {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env,
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
  };
}

import { ValueError } from './kind.js';

/**
 * Splits like POSIX shell words (Python's shlex in posix mode with whitespace=' \n\t' and no
 * comment characters): single quotes are literal, double quotes allow \\ \" \$ \` escapes.
 */
export function shlexSplit(input: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < input.length; i++) {
    const c = input[i] as string;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < input.length && '\\"$`\n'.includes(input[i + 1] as string)) word += input[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < input.length) word += input[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new ValueError(`unterminated ${quote === '"' ? 'double' : 'single'} quote in '${input}'`);
  if (inWord) words.push(word);
  return words;
}

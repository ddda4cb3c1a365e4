import type { z } from 'zod';

/** `text` as JSON of `schema`'s shape, or undefined when it is not JSON or not that shape (a damaged or older record). */
export function parseJsonAs<T extends z.ZodType>(schema: T, text: string): z.infer<T> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

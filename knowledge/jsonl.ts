import type { z } from 'zod';

export interface JsonlLineError {
  line: number;
  message: string;
}

/**
 * Parses JSONL with a zod schema. Blank lines are skipped; every bad line comes back as data with its
 * 1-based line number, so a reader can report all of them at once.
 */
export function parseJsonlLines<T>(text: string, schema: z.ZodType<T>): { rows: { line: number; value: T }[]; errors: JsonlLineError[] } {
  const rows: { line: number; value: T }[] = [];
  const errors: JsonlLineError[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (!raw.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      errors.push({ line: i + 1, message: `invalid JSON (${(e as Error).message})` });
      return;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) rows.push({ line: i + 1, value: parsed.data });
    else errors.push({ line: i + 1, message: parsed.error.issues.map((x) => `${x.path.join('.') || '(line)'}: ${x.message}`).join('; ') });
  });
  return { rows, errors };
}

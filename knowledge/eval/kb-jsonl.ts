// Readers for the evaluation files: KB lines {"faq_id", "question" | "example_questions", "answer"?}
// and query lines {"text", "gold_faq_id"}. Every bad line is reported with its line number.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseJsonlLines } from '../jsonl.js';
import type { KbEntry } from '../retrieval/hybrid-retriever.js';

export const ZKbLine = z
  .looseObject({
    faq_id: z.string().min(1),
    question: z.string().min(1).optional(),
    example_questions: z.array(z.string().min(1)).min(1).optional(),
    answer: z.string().optional(),
  })
  .refine((l) => l.question !== undefined || l.example_questions !== undefined, { message: 'needs "question" or "example_questions"' });
export type KbLine = z.infer<typeof ZKbLine>;

export const ZQueryLine = z.looseObject({ text: z.string().min(1), gold_faq_id: z.string().min(1).nullable() });
export type QueryLine = z.infer<typeof ZQueryLine>;

/** Parses JSONL text with `schema`; throws one error listing every bad line as `file:line: problem`. */
export function parseJsonl<T>(text: string, schema: z.ZodType<T>, source = 'input'): T[] {
  const { rows, errors } = parseJsonlLines(text, schema);
  if (errors.length) throw new Error(`${errors.length} bad line(s):\n${errors.map((e) => `${source}:${e.line}: ${e.message}`).join('\n')}`);
  return rows.map((r) => r.value);
}

/** KB entries from KB lines: the question(s) are the texts; the answer is added when `withAnswers`. */
export function kbEntriesFromLines(lines: KbLine[], opts: { withAnswers?: boolean } = {}): KbEntry[] {
  return lines.map((l) => ({
    id: l.faq_id,
    texts: [...(l.question ? [l.question] : []), ...(l.example_questions ?? []), ...(opts.withAnswers && l.answer ? [l.answer] : [])],
  }));
}

/** Reads a KB JSONL file into entries. */
export function readKbJsonl(path: string, opts: { withAnswers?: boolean } = {}): KbEntry[] {
  return kbEntriesFromLines(parseJsonl(readFileSync(path, 'utf8'), ZKbLine, path), opts);
}

/** Reads a query JSONL file. */
export function readQueriesJsonl(path: string): QueryLine[] {
  return parseJsonl(readFileSync(path, 'utf8'), ZQueryLine, path);
}

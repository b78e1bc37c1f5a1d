import { z } from 'zod';
import { detectLang } from '../../core/i18n/translate.js';
import { parseJsonlLines } from '../jsonl.js';
import { parseCsv } from './csv.js';
import { type KbSourceEntry, KbSourceError } from './types.js';

const ZLang = z.enum(['zh', 'en']).optional();

/** A JSONL FAQ line: `{"faq_id"|"id", "question"|"example_questions", "answer"?, "language"?}`. */
export const ZFaqLine = z
  .object({
    faq_id: z.string().trim().min(1).optional(),
    id: z.string().trim().min(1).optional(),
    question: z.string().trim().min(1).optional(),
    example_questions: z.array(z.string().trim().min(1)).optional(),
    answer: z.string().trim().optional(),
    language: ZLang,
  })
  .refine((l) => l.faq_id ?? l.id, { message: 'needs "faq_id" (or "id")' })
  .refine((l) => l.question ?? l.example_questions?.length, { message: 'needs "question" or "example_questions"' });

function entry(source: string, raw: z.infer<typeof ZFaqLine>): KbSourceEntry {
  const examples = raw.example_questions ?? [];
  const title = raw.question ?? examples[0] ?? '';
  return {
    source,
    entryId: raw.faq_id ?? raw.id ?? '',
    title,
    answer: raw.answer ?? '',
    examples: examples.filter((q) => q !== title),
    language: raw.language ?? detectLang(`${title} ${raw.answer ?? ''}`),
    chunks: [],
  };
}

function checkUnique(source: string, entries: { entry: KbSourceEntry; line: number }[]): KbSourceEntry[] {
  const seen = new Map<string, number>();
  for (const { entry: e, line } of entries) {
    const first = seen.get(e.entryId);
    if (first !== undefined) throw new KbSourceError(source, line, `duplicate id "${e.entryId}" (first on line ${first})`);
    seen.set(e.entryId, line);
  }
  return entries.map((x) => x.entry);
}

/** Reads a JSONL FAQ file; every problem names its line. */
export function readFaqJsonl(source: string, text: string): KbSourceEntry[] {
  const { rows, errors } = parseJsonlLines(text, ZFaqLine);
  const first = errors[0];
  if (first) throw new KbSourceError(source, first.line, first.message);
  return checkUnique(
    source,
    rows.map((r) => ({ entry: entry(source, r.value), line: r.line })),
  );
}

/**
 * Reads a CSV FAQ: a header row naming `question` and `answer` (required), and optionally `id`,
 * `examples` (alternatives separated by ` | ` or newlines) and `language`. Rows without an id get
 * `row-<n>`, which is stable only while rows keep their order.
 */
export function readFaqCsv(source: string, text: string): KbSourceEntry[] {
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(text);
  } catch (error) {
    throw new KbSourceError(source, null, (error as Error).message);
  }
  const [header, ...body] = rows;
  if (!header) return [];
  const col = new Map(header.fields.map((name, i) => [name.trim().toLowerCase(), i]));
  for (const needed of ['question', 'answer']) {
    if (!col.has(needed)) throw new KbSourceError(source, header.line, `header needs a "${needed}" column (has: ${header.fields.join(', ')})`);
  }
  const get = (fields: string[], name: string) => {
    const i = col.get(name);
    return i === undefined ? undefined : (fields[i]?.trim() ?? '');
  };
  const out = body.map((row, n) => {
    const examples = (get(row.fields, 'examples') ?? '')
      .split(/\s\|\s|\n/)
      .map((s) => s.trim())
      .filter(Boolean);
    const parsed = ZFaqLine.safeParse({
      id: get(row.fields, 'id') || `row-${n + 1}`,
      question: get(row.fields, 'question') || undefined,
      example_questions: examples.length ? examples : undefined,
      answer: get(row.fields, 'answer'),
      language: get(row.fields, 'language') || undefined,
    });
    if (!parsed.success) throw new KbSourceError(source, row.line, z.prettifyError(parsed.error).replace(/\n/g, ' '));
    return { entry: entry(source, parsed.data), line: row.line };
  });
  return checkUnique(source, out);
}

import { createHash } from 'node:crypto';

/** One knowledge-base entry as read from a file, before it is stored and embedded. */
export interface KbSourceEntry {
  /** The file it came from, relative to the ingest root (posix separators). */
  source: string;
  /** Stable id inside the source. */
  entryId: string;
  /** The question or section heading. */
  title: string;
  /** The answer or section text shown to agents and customers. */
  answer: string;
  /** Other ways customers ask the same question. */
  examples: string[];
  language: 'zh' | 'en';
  /** Texts to embed besides the title and examples: chunks of a long article section. */
  chunks: string[];
}

/** What gets embedded for an entry: its title, example questions and article chunks. */
export function embeddedTexts(entry: Pick<KbSourceEntry, 'title' | 'examples' | 'chunks'>): string[] {
  return [...new Set([entry.title, ...entry.examples, ...entry.chunks].map((t) => t.trim()).filter(Boolean))];
}

/** Changes whenever anything stored or embedded for the entry changes: re-ingest skips equal hashes. */
export function contentHash(entry: Omit<KbSourceEntry, 'source' | 'entryId'>): string {
  return createHash('sha256')
    .update(JSON.stringify([entry.title, entry.answer, entry.examples, entry.chunks, entry.language]))
    .digest('hex');
}

/** An error in a source file, with where it is. */
export class KbSourceError extends Error {
  constructor(
    readonly source: string,
    readonly line: number | null,
    message: string,
  ) {
    super(`${source}${line === null ? '' : `:${line}`}: ${message}`);
    this.name = 'KbSourceError';
  }
}

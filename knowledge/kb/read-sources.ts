import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve, sep } from 'node:path';
import { readFaqCsv, readFaqJsonl } from './read-faq.js';
import { type KbSourceEntry, KbSourceError } from './types.js';

export const KB_EXTENSIONS = ['.md', '.markdown', '.csv', '.jsonl'];

/** The ingestible files at a path (a file, or a folder walked recursively), sorted. */
export function listSourceFiles(path: string): string[] {
  const stat = statSync(path);
  if (stat.isFile()) return [path];
  return readdirSync(path, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && KB_EXTENSIONS.includes(extname(d.name).toLowerCase()))
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/** Reads one file into entries by its extension. */
export async function readSourceFile(file: string, source: string): Promise<KbSourceEntry[]> {
  const text = readFileSync(file, 'utf8');
  switch (extname(file).toLowerCase()) {
    case '.jsonl':
      return readFaqJsonl(source, text);
    case '.csv':
      return readFaqCsv(source, text);
    case '.md':
    case '.markdown': {
      // The text splitter (LangChain) loads only for Markdown ingest, not on every start.
      const { readMarkdown } = await import('./read-markdown.js');
      return readMarkdown(source, text);
    }
    default:
      throw new KbSourceError(source, null, `unsupported file type (use ${KB_EXTENSIONS.join(', ')})`);
  }
}

/**
 * The name a file ingested on its own is stored under. A folder ingest names each file relative to the
 * folder (`zh/faq.jsonl`), which a lone path cannot know; so the file takes the longest stored name its
 * path ends with, in whole path segments (`./my-faq/zh/faq.jsonl` is `zh/faq.jsonl` once `./my-faq`
 * was ingested), and its file name when none matches. Matching the stored names rather than recording
 * the folder's location keeps this working from another directory, machine or container, and the
 * longest match keeps `zh/faq.jsonl` apart from a `faq.jsonl` beside `zh/`.
 */
export function singleFileSource(file: string, stored: Iterable<string>): string {
  const known = new Set(stored);
  const segments = resolve(file).split(sep).filter(Boolean);
  for (let start = 0; start < segments.length; start++) {
    const name = segments.slice(start).join('/');
    if (known.has(name)) return name;
  }
  return segments.at(-1) ?? file;
}

/**
 * Reads every source under `path`; sources are named relative to `path`. A single file is named by
 * {@link singleFileSource} against `stored` (the source names already in the knowledge base).
 */
export async function readSources(path: string, stored: Iterable<string> = []): Promise<KbSourceEntry[]> {
  if (statSync(path).isFile()) return readSourceFile(path, singleFileSource(path, stored));
  const entries: KbSourceEntry[] = [];
  for (const file of listSourceFiles(path)) {
    entries.push(...(await readSourceFile(file, relative(path, file).split(sep).join('/'))));
  }
  return entries;
}

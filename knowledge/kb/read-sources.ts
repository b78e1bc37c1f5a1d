import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
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

/** Reads every source under `path`; sources are named relative to `path` (or by file name for a single file). */
export async function readSources(path: string): Promise<KbSourceEntry[]> {
  const root = statSync(path).isFile() ? join(path, '..') : path;
  const entries: KbSourceEntry[] = [];
  for (const file of listSourceFiles(path)) {
    entries.push(...(await readSourceFile(file, relative(root, file).split(sep).join('/'))));
  }
  return entries;
}

import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { detectLang } from '../../core/i18n/translate.js';
import type { KbSourceEntry } from './types.js';

/** Chunk size in characters: about one answer's worth of Chinese, a short paragraph of English. */
const CHUNK_SIZE = 400;
const CHUNK_OVERLAP = 40;
const splitter = new RecursiveCharacterTextSplitter({
  chunkSize: CHUNK_SIZE,
  chunkOverlap: CHUNK_OVERLAP,
  // Chinese sentences end in full-width punctuation without a following space.
  separators: ['\n\n', '\n', '。', '！', '？', '；', '. ', '! ', '? ', '; ', '，', ', ', ' ', ''],
});

function slug(text: string): string {
  return (
    text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-|-$/g, '') || 'section'
  );
}

interface Section {
  path: string[];
  body: string[];
}

/**
 * Reads a Markdown article: every heading starts an entry whose title is the heading and whose answer
 * is the text under it; long sections are split into chunks (each prefixed with its heading, so a chunk
 * keeps its context). Text before the first heading belongs to the document title (`# …`) or the file.
 */
export async function readMarkdown(source: string, text: string): Promise<KbSourceEntry[]> {
  const sections: Section[] = [];
  let current: Section = { path: [], body: [] };
  const stack: string[] = [];
  let inFence = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (heading?.[1] && heading[2]) {
      sections.push(current);
      stack.length = heading[1].length - 1;
      stack[heading[1].length - 1] = heading[2];
      current = { path: stack.filter(Boolean), body: [] };
    } else current.body.push(line);
  }
  sections.push(current);

  const entries: KbSourceEntry[] = [];
  const ids = new Map<string, number>();
  for (const s of sections) {
    const answer = s.body.join('\n').trim();
    if (!answer) continue;
    const title = s.path.at(-1) ?? source.replace(/\.[^.]+$/, '');
    let entryId = s.path.map(slug).join('/') || 'intro';
    const n = (ids.get(entryId) ?? 0) + 1;
    ids.set(entryId, n);
    if (n > 1) entryId += `-${n}`;
    const pieces = answer.length > CHUNK_SIZE ? await splitter.splitText(answer) : [answer];
    entries.push({
      source,
      entryId,
      title,
      answer,
      examples: [],
      language: detectLang(`${title}\n${answer}`),
      chunks: pieces.map((p) => `${title}\n${p}`),
    });
  }
  return entries;
}

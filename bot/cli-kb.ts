import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../core/errors.js';
import { PROJECT_ROOT } from '../core/paths.js';
import type { App } from './app.js';
import { withApp } from './with-app.js';

export const KB_HELP = `  ticketbot kb ingest <path>      make the knowledge base mirror the Markdown/CSV/JSONL files at <path>
  ticketbot kb search "<query>" [-k 5]`;

export const DEMO_KB = join(PROJECT_ROOT, 'knowledge', 'demo');

/** Ingests with a progress bar on stderr (when it is a terminal) and prints what changed. */
export async function ingestWithProgress(app: App, path: string): Promise<string> {
  // Loaded here: every other command (and every start of the bot) would pay for it.
  const bar = process.stderr.isTTY
    ? new (await import('cli-progress')).SingleBar({ format: 'ingest [{bar}] {value}/{total} entries', stream: process.stderr })
    : null;
  const report = await app.kb.ingest(path, (done, total) => {
    if (!bar) return;
    if (done === 0) bar.start(total, 0);
    else bar.update(done);
  });
  bar?.stop();
  // Named, so that a file taken for an earlier folder ingest's entries (a path ending in zh/faq.jsonl) is seen.
  const source = report.source ? `${report.source}: ` : '';
  return `${source}${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.removed} removed${report.refitted ? ' (local embedder refitted)' : ''}; ${app.kb.size} entries in the knowledge base`;
}

export async function kbCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { k: { type: 'string', short: 'k', default: '5' } } });
  const [sub, arg] = positionals;
  if (sub === 'ingest' && arg) {
    if (!existsSync(arg)) throw new AppError('INVALID_INPUT', { message: `no such file or folder: ${arg}` });
    await withApp(async (app) => console.log(await ingestWithProgress(app, arg)));
    return;
  }
  if (sub === 'search' && arg) {
    const k = Number(values.k);
    if (!Number.isInteger(k) || k < 1 || k > 50) throw new AppError('INVALID_INPUT', { message: '-k takes a whole number from 1 to 50' });
    await withApp(async (app) => {
      const hits = await app.kb.search(arg, k);
      if (!hits.length) console.log('No entries (the knowledge base is empty: ticketbot kb ingest <path>).');
      hits.forEach((h, i) => {
        const answer = h.document.answer.replace(/\s+/g, ' ');
        console.log(`${i + 1}. [${h.score.toFixed(3)}] ${h.document.title}  (${h.id})\n   ${answer.length > 160 ? `${answer.slice(0, 159)}…` : answer}`);
      });
    });
    return;
  }
  throw new AppError('INVALID_INPUT', { message: `usage:\n${KB_HELP}` });
}

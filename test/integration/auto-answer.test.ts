import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { PROJECT_ROOT } from '../../core/paths.js';
import { PrismaKnowledgeStore } from '../../core/store/knowledge-store.js';
import { autoAnswer } from '../../knowledge/kb/auto-answer.js';
import { KnowledgeBase } from '../../knowledge/kb/knowledge-base.js';
import { defaultConfig, makeCore, type TestCore } from '../helpers/core.js';
import { freshSqlite } from '../helpers/databases.js';

/* A repeated auto-answer request (same message id) gets the first decision back, whatever a new search would say. */

const QUESTION = '黑胶唱片拆封后还能退货吗';
const VINYL = '黑胶唱片拆封后不支持七天无理由退货，质量问题除外。';
const csv = (answer: string, question = '礼品卡可以退吗') => `question,answer\n${question},${answer}\n`;

describe('auto-answer repeats on SQLite', () => {
  let core: TestCore;
  let dir: string;
  let kb: KnowledgeBase;
  let deps: Parameters<typeof autoAnswer>[0];

  beforeEach(async () => {
    core = await makeCore(freshSqlite(), { ...defaultConfig, autoAnswer: { enabled: true, threshold: 0.5 } });
    dir = mkdtempSync(join(tmpdir(), 'auto-answer-'));
    cpSync(join(PROJECT_ROOT, 'knowledge', 'demo'), join(dir, 'src'), { recursive: true });
    // Both files have an entry `row-1`: entry ids are unique per file only.
    writeFileSync(join(dir, 'src', 'a.csv'), csv('礼品卡一经售出不退不换。'));
    writeFileSync(join(dir, 'src', 'b.csv'), csv(VINYL, QUESTION));
    const knowledge = new PrismaKnowledgeStore(core.database.db);
    kb = await KnowledgeBase.open({ store: knowledge, dir: join(dir, 'kb') });
    await kb.ingest(join(dir, 'src'));
    deps = { kb, knowledge, tickets: core.deps };
  });
  afterEach(async () => {
    await core.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ask = (messageId = 'm-1') => autoAnswer(deps, { question: QUESTION, platform: 'web', customerId: 'cust-1', messageId });

  const answeredFirst = async () => {
    const first = await ask();
    expect(first).toMatchObject({ answered: true, repeated: false, answer: { id: 'b.csv#row-1', answer: VINYL, source: 'b.csv' } });
    return first;
  };

  test('a repeat gets the same answer while search fails (the embeddings endpoint down)', async () => {
    const first = await answeredFirst();
    vi.spyOn(kb, 'search').mockRejectedValue(new Error('embedding endpoint unreachable'));
    const again = await ask();
    expect(again).toEqual({ ...first, repeated: true });
  });

  test('a repeat gets the entry answered with, not another file entry with the same id that now ranks higher', async () => {
    const first = await answeredFirst();
    // a.csv's row-1 now asks exactly the question; b.csv's row-1 is still there, asked otherwise.
    writeFileSync(join(dir, 'src', 'a.csv'), csv('音像制品请联系客服处理。', QUESTION));
    writeFileSync(join(dir, 'src', 'b.csv'), csv(VINYL, '黑胶唱片的退货规则'));
    await kb.ingest(join(dir, 'src'));
    expect((await kb.search(QUESTION, 1))[0]?.id).toBe('a.csv#row-1');
    const again = await ask();
    expect(again).toMatchObject({ answered: true, repeated: true, logId: first.logId, answer: { id: 'b.csv#row-1', answer: VINYL, source: 'b.csv' } });
  });

  test('when the entry answered with is gone, a repeat opens a ticket with the question rather than claim an empty answer', async () => {
    await answeredFirst();
    rmSync(join(dir, 'src', 'b.csv'));
    await kb.ingest(join(dir, 'src'));
    // The question first asked under these ids is the one filed, whatever text a repeat carries.
    const again = await autoAnswer(deps, { question: '别的问题', platform: 'web', customerId: 'cust-1', messageId: 'm-1' });
    expect(again).toMatchObject({ answered: false, repeated: true });
    if (again.answered) throw new Error('answered without its entry');
    const messages = await core.deps.tickets.listMessages(again.ticket.id, { includeInternal: false });
    expect(messages.map((m) => m.body)).toEqual([QUESTION]);
    // Once: the next repeat finds the same ticket.
    expect(await ask()).toMatchObject({ answered: false, repeated: true, ticket: { id: again.ticket.id } });
  });
});

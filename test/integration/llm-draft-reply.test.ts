import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createOpenAIClient } from '../../knowledge/llm/client.js';
import { type DraftReplyOptions, draftReply, type ReplyPassage } from '../../knowledge/llm/draft-reply.js';
import type { LlmFailure } from '../../knowledge/llm/failure.js';
import { type FakeOpenAI, startFakeOpenAI } from '../helpers/fake-openai.js';

/* draftReply through the real openai SDK against the local fake endpoint. */

const PASSAGES: ReplyPassage[] = [
  { id: 'faq-returns#0', title: '七天无理由退货', text: '签收后7天内可申请无理由退货，商品需保持完好。', source: 'faq/returns.md' },
  { id: 'faq-refund#1', title: '退款时效', text: '退货入库后1-3个工作日原路退款。', source: 'faq/refund.md' },
];

let fake: FakeOpenAI;
let failures: LlmFailure[];
beforeEach(async () => {
  fake = await startFakeOpenAI();
  failures = [];
});
afterEach(async () => {
  await fake.close();
});

function options(over: Partial<DraftReplyOptions> = {}): DraftReplyOptions {
  const client = createOpenAIClient({ apiKey: 'test-key', baseURL: fake.baseURL, timeoutMs: 5000, maxRetries: 1 });
  return { client, model: 'fake-reply', timeoutMs: 5000, onFailure: (f) => failures.push(f), ...over };
}

const input = (ticketText = '衣服不合适想退货，多久能退款？') => ({ ticketText, language: 'zh' as const, passages: PASSAGES });

describe('draftReply', () => {
  test('returns the reply and the citations that name given passages', async () => {
    fake.chat.enqueue({
      kind: 'answer',
      json: { reply: '您好，签收后7天内可申请退货，入库后1-3个工作日退款。', citations: ['faq-refund#1', '[faq-returns#0]', 'faq-refund#1'] },
    });
    const draft = await draftReply(input(), options());
    expect(draft).toEqual({ reply: '您好，签收后7天内可申请退货，入库后1-3个工作日退款。', citations: ['faq-refund#1', 'faq-returns#0'] });
  });

  test('drops citations of passages that were not given', async () => {
    // The naive fake cites every [id] it saw plus one it made up.
    const draft = await draftReply(input(), options());
    expect(draft?.citations).toEqual(['faq-returns#0', 'faq-refund#1']);
  });

  test('sends the passages and the masked ticket in separate data blocks, with a strict schema', async () => {
    await draftReply(input('退货，电话13812345678，地址苏州工业园区星湖街328号'), options());
    const body = fake.chat.requests[0]?.body;
    expect(body.model).toBe('fake-reply');
    expect(body.response_format.json_schema.schema.required).toEqual(['reply', 'citations']);
    const user = body.messages[1].content as string;
    expect(user).toContain('<knowledge>\n[faq-returns#0] 七天无理由退货 (faq/returns.md)');
    expect(user).toContain('<customer_message>\n退货，电话138****5678，地址[地址]\n</customer_message>');
    expect(JSON.stringify(body)).not.toContain('13812345678');
    expect(body.messages[0].content).toContain('用简体中文回复');
  });

  test('English replies get English instructions', async () => {
    await draftReply({ ticketText: 'How do I return this?', language: 'en', passages: PASSAGES }, options());
    expect(fake.chat.requests[0]?.body.messages[0].content).toContain('Reply in English');
  });

  test.each([
    ['HTTP 500 after retries', { kind: 'status', status: 500, headers: { 'retry-after-ms': '5' } } as const, 'http_error'],
    ['malformed JSON', { kind: 'content', content: '{"reply": "您好' } as const, 'malformed_json'],
    ['schema violation', { kind: 'answer', json: { reply: 42, citations: 'faq' } } as const, 'schema_violation'],
    ['an empty reply', { kind: 'answer', json: { reply: '  ', citations: [] } } as const, 'empty'],
    ['a refusal', { kind: 'refusal', refusal: 'no' } as const, 'refusal'],
  ])('%s → null', async (_name, behaviour, reason) => {
    fake.chat.otherwise = behaviour;
    expect(await draftReply(input(), options())).toBeNull();
    expect(failures).toMatchObject([{ reason }]);
  });

  test('timeout → null within the bound', async () => {
    fake.chat.enqueue({ kind: 'delay', ms: 5000 });
    const started = performance.now();
    expect(await draftReply(input(), options({ timeoutMs: 200 }))).toBeNull();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(failures).toMatchObject([{ reason: 'timeout' }]);
  });
});

import { describe, expect, test } from 'vitest';
import type { Triage } from '../../../../core/ports.js';
import { appearsLiterally, moreUrgent, reconcileTriage } from '../../../../knowledge/llm/reconcile-triage.js';
import { priorityFloor } from '../../../../knowledge/triage/priority.js';
import { detectSignals } from '../../../../knowledge/triage/signals.js';
import type { LlmTriage } from '../../../../prompts/triage/index.js';

const categoryIds = new Set(['refund', 'complaint', 'other']);
const local: Triage = { category: 'complaint', priority: 'P1', sentiment: 'negative', language: 'zh', orderIds: [], title: '本地标题', confidence: 0.3 };
const llm: LlmTriage = { category: 'refund', priority: 'P3', sentiment: 'neutral', language: 'zh', orderIds: [], title: '退款问题', confidence: 0.9 };

describe('moreUrgent', () => {
  test.each([
    ['P1', 'P4', 'P1'],
    ['P4', 'P2', 'P2'],
    ['P3', 'P3', 'P3'],
  ] as const)('%s vs %s → %s', (a, b, expected) => {
    expect(moreUrgent(a, b)).toBe(expected);
    expect(moreUrgent(b, a)).toBe(expected);
  });
});

describe('appearsLiterally', () => {
  test.each([
    ['订单3820194756102938475没到', '3820194756102938475', true],
    ['order #SO-123456 please', 'SO-123456', true],
    ['order so-123456 please', 'SO-123456', true],
    ['订单38201947561029384750', '3820194756102938475', false], // part of a longer number
    ['订单3820194756102938475', '382019475610293847', false],
    ['P1 P1 P1', 'P1', false], // too short to be an order number
    ['refund refund', 'REFUND', false], // no digit
  ])('%j contains %j: %s', (text, id, expected) => {
    expect(appearsLiterally(text, id)).toBe(expected);
  });
});

describe('reconcileTriage', () => {
  test("the local priority is a floor; the LLM's category, sentiment and confidence stand", () => {
    const { triage, adjustments } = reconcileTriage(llm, local, '退款', { categoryIds });
    expect(triage).toMatchObject({ category: 'refund', priority: 'P1', sentiment: 'neutral', confidence: 0.9, title: '退款问题' });
    expect(adjustments).toEqual(['priority_raised']);
  });

  test('an explicit rules-only floor replaces the local priority as the floor', () => {
    expect(reconcileTriage(llm, local, 'x', { categoryIds, priorityFloor: 'P4' }).triage.priority).toBe('P3');
    expect(reconcileTriage(llm, { ...local, priority: 'P4' }, 'x', { categoryIds, priorityFloor: 'P1' }).triage.priority).toBe('P1');
  });

  test('a more urgent LLM priority is kept', () => {
    expect(reconcileTriage({ ...llm, priority: 'P2' }, { ...local, priority: 'P3' }, 'x', { categoryIds }).triage.priority).toBe('P2');
  });

  test('an unconfigured category is replaced by the local one', () => {
    const { triage, adjustments } = reconcileTriage({ ...llm, category: 'weather' }, local, 'x', { categoryIds });
    expect(triage.category).toBe('complaint');
    expect(adjustments).toContain('category_replaced');
  });

  test('order ids: pattern-found ∪ model-proposed that occur in the text, normalised, without duplicates', () => {
    const text = '订单3820194756102938475和#so-778899，还有 AB12345678';
    const { triage, adjustments } = reconcileTriage({ ...llm, orderIds: ['AB12345678', '3820194756102938475', '1111111111111111111'] }, local, text, {
      categoryIds,
    });
    expect(triage.orderIds).toEqual(['3820194756102938475', 'SO-778899', 'AB12345678']);
    expect(adjustments).toContain('order_ids_dropped');
  });

  test('digits in a link or a bank card number are not order numbers, even when the model proposes them', () => {
    const text = '这个能用吗 https://item.taobao.com/item.htm?id=675432109876 退款请退到我的银行卡6217001234567890123';
    const { triage, adjustments } = reconcileTriage(
      { ...llm, orderIds: ['675432109876', '6217001234567890123'] },
      { ...local, orderIds: ['675432109876'] },
      text,
      {
        categoryIds,
      },
    );
    expect(triage.orderIds).toEqual([]);
    expect(adjustments).toContain('order_ids_dropped');
  });

  test("an everyday phrase puts no hard floor under the model's priority", () => {
    const text = 'Hi, any news on my order #10517?';
    expect(reconcileTriage(llm, { ...local, priority: 'P4' }, text, { categoryIds, priorityFloor: priorityFloor(detectSignals(text)) }).triage.priority).toBe(
      'P3',
    );
  });

  test('the title is masked and clipped; an empty one is replaced by the local title', () => {
    const long = `客户电话13812345678${'很长'.repeat(50)}`;
    const { triage } = reconcileTriage({ ...llm, title: long }, local, 'x', { categoryIds });
    expect(triage.title).toMatch(/^客户电话138\*\*\*\*5678很长/);
    expect([...triage.title]).toHaveLength(60);
    expect(reconcileTriage({ ...llm, title: '  ' }, local, 'x', { categoryIds }).triage.title).toBe('本地标题');
  });
});

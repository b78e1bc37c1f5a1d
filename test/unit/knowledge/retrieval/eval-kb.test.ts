import { describe, expect, it } from 'vitest';
import { evaluateKb } from '../../../../knowledge/eval/eval-kb.js';
import { kbEntriesFromLines, parseJsonl, ZKbLine, ZQueryLine } from '../../../../knowledge/eval/kb-jsonl.js';
import { computeKbMetrics, percentile } from '../../../../knowledge/eval/kb-metrics.js';
import type { KbHit } from '../../../../knowledge/retrieval/hybrid-retriever.js';

const hit = (id: string, score: number): KbHit => ({ id, score, vectorScore: score, keywordScore: 0, matchedText: '' });

describe('computeKbMetrics', () => {
  // Hand-computed: 4 in-scope queries with gold ranks 1, 2, absent, 1; 2 out-of-scope queries.
  const rows = [
    { gold: 'a', ranked: [hit('a', 0.95), hit('b', 0.2)], ms: 1 }, // answered, correct
    { gold: 'b', ranked: [hit('a', 0.92), hit('b', 0.9)], ms: 2 }, // answered, wrong (rank 2)
    { gold: 'c', ranked: [hit('a', 0.3), hit('b', 0.2)], ms: 3 }, // not answered, gold absent
    { gold: 'd', ranked: [hit('d', 0.5)], ms: 4 }, // rank 1 but below threshold
    { gold: null, ranked: [hit('a', 0.97)], ms: 5 }, // out of scope answered → wrong
    { gold: null, ranked: [hit('b', 0.1)], ms: 100 }, // out of scope, rightly not answered
  ];
  const m = computeKbMetrics(rows, 0.9);

  it('computes hit@k and MRR over in-scope queries only', () => {
    expect(m.n).toBe(6);
    expect(m.n_in_scope).toBe(4);
    expect(m.hit_at_1).toBeCloseTo(2 / 4);
    expect(m.hit_at_5).toBeCloseTo(3 / 4);
    expect(m.mrr).toBeCloseTo((1 + 1 / 2 + 0 + 1) / 4);
  });

  it('counts an answered out-of-scope query as a wrong answer', () => {
    expect(m.answer_precision).toBeCloseTo(1 / 3);
    expect(m.answer_coverage).toBeCloseTo(2 / 4);
    expect(m.out_of_scope_answered).toBeCloseTo(1 / 2);
  });

  it('reports nearest-rank latency percentiles', () => {
    expect(m.p50_ms).toBe(3);
    expect(m.p99_ms).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('evaluateKb', () => {
  it('runs the queries through the retriever built from the KB', async () => {
    const kb = [
      { id: 'a', texts: ['x'] },
      { id: 'b', texts: ['y'] },
    ];
    const m = await evaluateKb({
      kb,
      queries: [
        { text: 'x', gold_faq_id: 'a' },
        { text: 'zzz', gold_faq_id: null },
      ],
      threshold: 0.5,
      createRetriever: async (entries) => ({
        search: async (q) => entries.map((e) => hit(e.id, e.texts.includes(q) ? 1 : 0)).sort((p, q2) => q2.score - p.score),
      }),
    });
    expect(m.hit_at_1).toBe(1);
    expect(m.answer_precision).toBe(1);
    expect(m.out_of_scope_answered).toBe(0);
  });
});

describe('KB JSONL reader', () => {
  it('reads question and example_questions lines, optionally with answers', () => {
    const lines = parseJsonl(
      ['{"faq_id":"a","question":"怎么退款","answer":"在订单页申请"}', '', '{"faq_id":"b","example_questions":["cancel order","stop my order"]}'].join('\n'),
      ZKbLine,
    );
    expect(kbEntriesFromLines(lines)).toEqual([
      { id: 'a', texts: ['怎么退款'] },
      { id: 'b', texts: ['cancel order', 'stop my order'] },
    ]);
    expect(kbEntriesFromLines(lines, { withAnswers: true })[0]?.texts).toEqual(['怎么退款', '在订单页申请']);
  });

  it('reports every bad line with its number', () => {
    const text = ['{"faq_id":"a"}', '{"text":"q","gold_faq_id":null}', 'not json'].join('\n');
    expect(() => parseJsonl(text, ZKbLine, 'kb.jsonl')).toThrow(/kb\.jsonl:1: .*question.*\n.*kb\.jsonl:2: .*\n.*kb\.jsonl:3: invalid JSON/s);
    expect(parseJsonl('{"text":"q","gold_faq_id":null}\n{"text":"r","gold_faq_id":"a"}', ZQueryLine)).toHaveLength(2);
    expect(() => parseJsonl('{"text":"q"}', ZQueryLine, 'q.jsonl')).toThrow(/q\.jsonl:1: gold_faq_id/);
  });
});

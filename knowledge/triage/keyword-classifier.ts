import type { AppConfig } from '../../core/config.js';
import { detectLang } from '../../core/i18n/translate.js';
import { maskPii } from '../../core/pii.js';
import type { Classifier, Triage } from '../../core/ports.js';
import type { Priority, Sentiment } from '../../core/tickets/types.js';
import { extractOrderIds } from './order-ids.js';
import { titleOf } from './title.js';

export { titleOf };

// A small, dependency-free baseline: nearest category by character-bigram overlap with the configured
// example utterances, priority and sentiment by rules. The trained local model and the LLM path
// (issue 3) replace it; it stays as the last-resort fallback.

function bigrams(text: string): Set<string> {
  const clean = text
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]+/gu, ' ')
    .trim();
  const grams = new Set<string>();
  for (const word of clean.split(' ')) {
    if (!word) continue;
    if (/^[a-z0-9]+$/.test(word)) grams.add(word);
    else for (let i = 0; i < word.length - 1; i++) grams.add(word.slice(i, i + 2));
  }
  return grams;
}

const P1 =
  /12315|消协|消费者协会|律师|起诉|法院|报警|曝光|媒体|记者|微博|抖音曝光|受伤|烫伤|过敏|爆炸|起火|触电|lawyer|sue|lawsuit|police|injur|fire|burn|allerg|press|journalist/i;
const P2 =
  /投诉|差评|气死|骗子|垃圾|第[二三四五2-5]次|又来|还没|催了|坏了|破损|碎了|加急|急|马上|今天必须|broken|damaged|urgent|asap|again|angry|scam|terrible/i;
const P4 = /请问|咨询|建议|想问|有没有|能不能|how do|can i|is there|suggest|question/i;
const NEGATIVE = /投诉|差评|气死|骗|垃圾|失望|愤怒|生气|太差|无语|坑|退款|坏了|破损|angry|terrible|awful|disappoint|scam|worst|broken|refund/i;
const POSITIVE = /谢谢|感谢|满意|好评|赞|棒|thanks|thank you|great|love|awesome/i;

function priorityOf(text: string, customerTier: string | undefined): Priority {
  if (P1.test(text)) return 'P1';
  if (P2.test(text) || customerTier === 'vip') return 'P2';
  if (P4.test(text) && !NEGATIVE.test(text)) return 'P4';
  return 'P3';
}

function sentimentOf(text: string): Sentiment {
  if (NEGATIVE.test(text)) return 'negative';
  if (POSITIVE.test(text)) return 'positive';
  return 'neutral';
}

export class KeywordClassifier implements Classifier {
  private index: { config: AppConfig; examples: { category: string; grams: Set<string> }[] } | null = null;

  private examplesFor(config: AppConfig) {
    if (this.index?.config !== config) {
      const examples = config.categories.flatMap((c) => [c.name.zh, c.name.en, ...c.examples].map((e) => ({ category: c.id, grams: bigrams(e) })));
      this.index = { config, examples };
    }
    return this.index.examples;
  }

  async classify(text: string, context: { config: AppConfig; customerTier?: string | undefined }): Promise<Triage> {
    const grams = bigrams(text);
    let best = { category: context.config.categories.at(-1)?.id ?? 'other', score: 0 };
    for (const ex of this.examplesFor(context.config)) {
      let shared = 0;
      for (const g of grams) if (ex.grams.has(g)) shared++;
      const score = shared / Math.sqrt(Math.max(1, grams.size) * Math.max(1, ex.grams.size));
      if (score > best.score) best = { category: ex.category, score };
    }
    return {
      category: best.category,
      priority: priorityOf(text, context.customerTier),
      sentiment: sentimentOf(text),
      language: detectLang(text),
      orderIds: extractOrderIds(text),
      // Mask before cutting: a cut phone number or e-mail no longer matches the masking patterns.
      title: titleOf(maskPii(text)),
      confidence: Math.min(1, best.score),
    };
  }
}

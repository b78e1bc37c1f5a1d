import { normalizeOrderNumber } from '../../core/tickets/order-number.js';

/** Order-number patterns of the platforms our shops sell on. Configurable per shop later. */
export const DEFAULT_ORDER_PATTERNS: { source: string; pattern: RegExp }[] = [
  { source: 'taobao', pattern: /(?<!\d)\d{18,19}(?!\d)/g },
  { source: 'jd', pattern: /(?<!\d)\d{12}(?!\d)/g },
  { source: 'shop', pattern: /#?\bSO[-_]?\d{6,}\b/gi },
];

/** Order numbers in free text, in order of appearance, without duplicates. */
export function extractOrderIds(text: string, patterns = DEFAULT_ORDER_PATTERNS): string[] {
  const found: { at: number; id: string }[] = [];
  for (const { pattern } of patterns) {
    for (const m of text.matchAll(pattern)) found.push({ at: m.index ?? 0, id: normalizeOrderNumber(m[0]) });
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.id))];
}

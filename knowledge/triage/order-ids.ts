import { normalizeOrderNumber } from '../../core/tickets/order-number.js';

/** An order-number pattern; `exclude` drops matches that are something else (an ID card number, say). */
export interface OrderPattern {
  source: string;
  pattern: RegExp;
  exclude?: (match: string) => boolean;
}

// An 18-digit number that starts with a province code and carries a plausible birth date is a Chinese ID
// number (personal data), not a Taobao order: random order numbers pass that test about once in 6,000.
// The check digit is not required: customers mistype it, and a mistyped ID is still not an order.
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
]);
function looksLikeIdNumber(digits: string): boolean {
  if (digits.length !== 18 || !PROVINCES.has(Number(digits.slice(0, 2)))) return false;
  const year = Number(digits.slice(6, 10));
  const month = Number(digits.slice(10, 12));
  const day = Number(digits.slice(12, 14));
  return year >= 1900 && year <= 2029 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Order-number patterns of the platforms our shops sell on. Configurable per shop later. */
export const DEFAULT_ORDER_PATTERNS: OrderPattern[] = [
  { source: 'taobao', pattern: /(?<!\d)\d{18,19}(?!\d)/g, exclude: looksLikeIdNumber },
  { source: 'jd', pattern: /(?<!\d)\d{12}(?!\d)/g },
  // Pinduoduo: date, dash, 15 digits ("240817-093725581624153").
  { source: 'pdd', pattern: /(?<![\d-])\d{6}-\d{15}(?![\d-])/g },
  // Amazon: 3-7-7 digits ("112-7730291-5526314").
  { source: 'amazon', pattern: /(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])/g },
  // Our own shop: SO + digits, optionally a dash and a sequence ("#SO20261019-0211").
  { source: 'shop', pattern: /#?\bSO[-_]?\d{6,}(?:-\d{2,6})?\b/gi },
  // Storefront numbers ("order #10482"): a short number is only an order id right after "order"/"订单".
  { source: 'storefront', pattern: /(?<=(?:\border|订单号?)\s{0,3}(?:no\.?\s{0,2})?)#\d{3,10}\b/gi },
];

/** Order numbers in free text, in order of appearance, without duplicates. */
export function extractOrderIds(text: string, patterns: readonly OrderPattern[] = DEFAULT_ORDER_PATTERNS): string[] {
  const found: { at: number; id: string }[] = [];
  for (const { pattern, exclude } of patterns) {
    for (const m of text.matchAll(pattern)) if (!exclude?.(m[0])) found.push({ at: m.index ?? 0, id: normalizeOrderNumber(m[0]) });
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.id))];
}

const byConfig = new WeakMap<object, OrderPattern[]>();

/** The built-in patterns plus the shop's own (`orderNumbers` in the config), compiled once per config. */
export function orderPatternsFor(config: { orderNumbers: readonly { source: string; pattern: string }[] }): OrderPattern[] {
  let patterns = byConfig.get(config);
  if (!patterns) {
    patterns = [...DEFAULT_ORDER_PATTERNS, ...config.orderNumbers.map((o) => ({ source: o.source, pattern: new RegExp(o.pattern, 'g') }))];
    byConfig.set(config, patterns);
  }
  return patterns;
}

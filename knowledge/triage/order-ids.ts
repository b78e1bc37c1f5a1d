import { normalizeOrderNumber } from '../../core/tickets/order-number.js';
import { EMAIL, LINK } from './links.js';

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
  // A 12-digit run starting with 0 is a landline with its area code ("075583765432"); JD numbers never start with 0.
  { source: 'jd', pattern: /(?<!\d)\d{12}(?!\d)/g, exclude: (m) => m.startsWith('0') },
  // Pinduoduo: date, dash, 15 digits ("240817-093725581624153").
  { source: 'pdd', pattern: /(?<![\d-])\d{6}-\d{15}(?![\d-])/g },
  // Amazon: 3-7-7 digits ("112-7730291-5526314").
  { source: 'amazon', pattern: /(?<![\d-])\d{3}-\d{7}-\d{7}(?![\d-])/g },
  // Our own shop: SO + digits, optionally a dash and a sequence ("#SO20261019-0211").
  { source: 'shop', pattern: /#?\bSO[-_]?\d{6,}(?:-\d{2,6})?\b/gi },
  // Storefront numbers ("order #10482"): a short number is only an order id right after "order"/"订单".
  { source: 'storefront', pattern: /(?<=(?:\border|订单号?)\s{0,3}(?:no\.?\s{0,2})?)#\d{3,10}\b/gi },
];

// A product link's item id ("item.htm?id=675432109876", "item.jd.com/100012043978.html") has the shape
// of an order number, and so has a QQ mail address; both are blanked (LINK, EMAIL in links.ts)…
// …except where the link itself says it is an order ("trade_item_detail.htm?bizOrderId=…", "/orders/…").
const ORDER_IN_URL = /(?:[?&;](?:\w*order\w*|tid|trade_?id)=|\/orders?\/)([A-Za-z0-9_-]+)/gi;
// A number the customer introduces as a phone or a bank card: the cue, a few separator words, then the digits
// (groups of up to 8 after the first, as in "0755 8376 5432" or "6217 0012 3456 7890 123").
const CUED_NUMBER =
  /(?:(座机|固话|电话|手机号|联系方式|\btel\b|\bphone\b|\bmobile\b|\bcell\b|whatsapp|call me (?:at|on))|(银行卡|卡号|储蓄卡|信用卡|借记卡|银行账号|\bcard\b|account number|\biban\b))(?:[\s:：#.,，]|号码|号|是|为|\bno\b|\bnumber\b|\bis\b){0,6}(\+?\d+(?:[ -]\d{1,8}(?!\d))*)/gi;

const blank = (s: string) => ' '.repeat(s.length);

/**
 * The text with every digit that cannot be an order number blanked out (same length, so positions hold):
 * digits in links (except an order link's order parameter) and e-mail addresses, phone numbers of up to
 * 13 digits after a phone cue ("座机075583765432"), and 12–19 digits after a bank-card cue. A card cue
 * blanks the number whether or not it passes the Luhn check: a mistyped card number is still not an order,
 * and it is personal data that must not be shown on ticket cards. Exported for the LLM path, whose
 * proposed order numbers must occur in what this leaves.
 */
export function withoutNonOrderDigits(text: string): string {
  // E-mail addresses first: an address's domain alone would read as a link and hide the address.
  const out = text.replace(EMAIL, blank).replace(LINK, (url) => {
    const kept = [...url.matchAll(ORDER_IN_URL)].map((m) => ({ at: (m.index ?? 0) + m[0].length - (m[1] ?? '').length, id: m[1] ?? '' }));
    const chars = [...blank(url)];
    for (const { at, id } of kept) chars.splice(at, id.length, ...id);
    return chars.join('');
  });
  return out.replace(CUED_NUMBER, (all, phone: string | undefined, _card: string | undefined, digits: string) => {
    const count = digits.replace(/\D/g, '').length;
    const personal = phone ? count <= 13 : count >= 12 && count <= 19;
    return personal ? all.slice(0, all.length - digits.length) + blank(digits) : all;
  });
}

/** Order numbers in free text, in order of appearance, without duplicates; never from links, e-mail addresses, phone or card numbers. */
export function extractOrderIds(text: string, patterns: readonly OrderPattern[] = DEFAULT_ORDER_PATTERNS): string[] {
  const searchable = withoutNonOrderDigits(text);
  const found: { at: number; id: string }[] = [];
  for (const { pattern, exclude } of patterns) {
    for (const m of searchable.matchAll(pattern)) if (!exclude?.(m[0])) found.push({ at: m.index ?? 0, id: normalizeOrderNumber(m[0]) });
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

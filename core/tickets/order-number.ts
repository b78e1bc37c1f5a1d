/** One spelling per order number: trimmed, without a leading '#', upper case (`so-123` and `SO-123` are one order). */
export function normalizeOrderNumber(raw: string): string {
  return raw
    .trim()
    .replace(/^[#＃]\s*/, '')
    .toUpperCase();
}

interface OrderLinkRule {
  match?: string | undefined;
  url: string;
}

const compiled = new WeakMap<readonly OrderLinkRule[], { match: RegExp | null; url: string }[]>();

/** The back-office link for an order number: the first `orderLinks` rule that matches it, or null. */
export function orderLink(config: { orderLinks: readonly OrderLinkRule[] }, orderNumber: string): string | null {
  let rules = compiled.get(config.orderLinks);
  if (!rules) {
    rules = config.orderLinks.map((r) => ({ match: r.match === undefined ? null : new RegExp(r.match), url: r.url }));
    compiled.set(config.orderLinks, rules);
  }
  const rule = rules.find((r) => r.match === null || r.match.test(orderNumber));
  return rule ? rule.url.replaceAll('{order}', encodeURIComponent(orderNumber)) : null;
}

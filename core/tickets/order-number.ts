/** One spelling per order number: trimmed, without a leading '#', upper case (`so-123` and `SO-123` are one order). */
export function normalizeOrderNumber(raw: string): string {
  return raw
    .trim()
    .replace(/^[#＃]/, '')
    .toUpperCase();
}

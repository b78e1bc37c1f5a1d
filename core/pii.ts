// Masks personal data in free text: for roles that may not see it and before text leaves the process.
// Order numbers look like long digit runs too, so an 18-digit run is masked as an ID number only when it
// reads as one: a province code, a birth date that exists and is not in the future, and a valid check digit.
// Text is matched with full-width characters (１３８…, typed with a Chinese input method) read as ASCII.

const PHONE = /(?<!\d)(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)/dg;
// Starts only where a run of local-part characters starts: a long run without an @ is scanned once, not
// from every position in it (quadratic: 20,000 characters took ~350 ms). The local part has no length
// bound: one longer than RFC 5321's 64 characters is not a valid address, but is still someone's.
const EMAIL = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63})/dg;
const CN_ID = /(?<![\dXx])\d{17}[\dXx](?![\dXx])/dg;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';
// GB/T 2260 provinces (11 Beijing … 65 Xinjiang, 71 Taiwan) and 81/82/83, the residence permits of
// Hong Kong, Macau and Taiwan residents.
// A leading 9: the foreigner's permanent residence ID card (2023), the issuing province after it, the
// birth date and check character where a resident ID has them.
const ID_PROVINCES = /^9?(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5]|71|8[1-3])/;

/**
 * A resident ID number (GB 11643-1999): 18 characters, the first two a province code, digits 7–14 a birth
 * date from 1900 to `today`, the last a valid check character. About 1 in 11 order numbers of 18 digits
 * passes the checksum alone; the province and the date turn away nearly all of those.
 */
export function isChineseIdNumber(id: string, today: Date = new Date()): boolean {
  if (!/^\d{17}[\dXx]$/.test(id) || !ID_PROVINCES.test(id)) return false;
  const [year, month, day] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  const born = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 02-30 over into March: the date exists only if it comes back unchanged.
  if (year < 1900 || born.getUTCMonth() !== month - 1 || born.getUTCDate() !== day) return false;
  if (born.getTime() > Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return ID_CHECK[sum % 11] === id[17]?.toUpperCase();
}

/**
 * Full-width ASCII (U+FF01–FF5E) as ASCII: one UTF-16 unit for one, so an offset in the folded text is the
 * same offset in the original. (The ideographic space is already `\s`.)
 */
function foldWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * Replaces the matches of `pattern` (flags `g` and `d`) found in the folded text. `replace` gets the
 * original text of each group (`group(0)` the whole match) and the folded match; it returns the
 * replacement, or undefined to keep the match.
 */
function replaceFolded(text: string, pattern: RegExp, replace: (group: (n: number) => string, folded: RegExpExecArray) => string | undefined): string {
  let out = '';
  let last = 0;
  for (const match of foldWidth(text).matchAll(pattern)) {
    const group = (n: number) => {
      const span = match.indices?.[n];
      return span ? text.slice(span[0], span[1]) : '';
    };
    const replacement = replace(group, match);
    if (replacement === undefined) continue;
    out += text.slice(last, match.index) + replacement;
    last = match.index + match[0].length;
  }
  return out + text.slice(last);
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1[3-9]\d{9}$)/, '');
  return digits.length >= 7 ? `${digits.slice(0, 3)}****${digits.slice(-4)}` : '****';
}

export function maskEmail(email: string): string {
  return email.replace(EMAIL, '$1***@$2');
}

/** Masks mobile numbers, e-mail addresses and valid Chinese ID numbers in text. */
export function maskPii(text: string): string {
  const today = new Date();
  const ids = replaceFolded(text, CN_ID, (group, [folded]) => {
    const whole = group(0);
    return isChineseIdNumber(folded, today) ? `${whole.slice(0, 6)}********${whole.slice(-4)}` : undefined;
  });
  const phones = replaceFolded(ids, PHONE, (group) => `${group(1)}****${group(3)}`);
  return replaceFolded(phones, EMAIL, (group) => `${group(1)}***@${group(2)}`);
}

// Addresses have no check digit, so the patterns anchor on what every street address has: a street
// (路/街/大道/巷/弄/胡同, or a residential compound) followed by a house number. Around that anchor the
// match extends left over the administrative divisions and right over building, unit and room. Over-masking a
// word next to an address is the cheaper mistake: address masking only shapes what is sent out (maskForLlm).

// Han characters that may belong to a place name. Excluded: words that introduce an address in a sentence
// (地址是…, 寄到…, 送去…), so that the left extension stops there instead of swallowing the sentence.
const PLACE = String.raw`[^\P{Script=Han}是址在到我的寄送住为给请帮把你您们了往去向]`;
// 道 and 弄 are ordinary words too: "物流渠道5号才更新" (channel), "能不能弄3号发货" (get it done by the 3rd).
const STREET = '(?:大道|大街|路|(?<!逛)街|(?<![知难渠频通轨管跑味报])道|巷|(?<![能要再别会想快先得没不好乱瞎])弄|胡同)';
const COMPOUND = '(?:小区|花园|公寓|家园|新村|社区|大厦|广场|苑|村|城)';
const UNIT = '(?:号楼|号院|号|栋|幢|座|单元|楼|层|室|户|弄)';
const CN_ADDRESS = new RegExp(
  // A house number may have a sub-number ("88-1号"), a building a letter ("B栋", "12A座").
  String.raw`${PLACE}{2,40}?(?:${STREET}\s?\d{1,5}(?:-\d{1,4})?\s?(?:号|號|弄|巷)|${COMPOUND}\s?(?:\d{1,4}[A-Za-z]?|[A-Za-z]\d{0,3})\s?(?:栋|幢|号楼|座|单元|号))` +
    // Right side: "5号楼", "1单元", "302室", a building name like "SOHO现代城", then a bare room number.
    String.raw`(?:[-\s]?(?:[0-9A-Za-z]{1,6}${UNIT}|[\p{Script=Han}A-Za-z]{2,10}?(?:${COMPOUND}|中心|大楼|园区|园|院|府)))*(?:[-－]?\d{1,5}(?!\d))?`,
  'dgu',
);
// The leftmost match wins, so the lazy PLACE{2,40}? still extends as far left as the place characters go; the
// bound keeps a long run of Han text without an address linear instead of quadratic.

const HOUSE = String.raw`\b\d{1,6}[A-Za-z]?(?:-\d{1,6})?`;
const FLAT = String.raw`(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|#)\.?\s*#?[A-Za-z0-9-]{1,6}\b)?`;
// Words that do not name a street: "The parcel has been 5 days on the road" holds no address.
const NOT_NAME = String.raw`(?:the|a|an|on|in|at|of|to|for|from|by|with|and|or|is|are|was|were|been|my|your|our|their|days?|hours?|minutes?|weeks?|months?|years?|times?)\s`;
// Unambiguous street types in any case: "221b baker street".
const EN_ADDRESS = new RegExp(
  String.raw`${HOUSE}\s+(?:(?!${NOT_NAME})[A-Za-z0-9][A-Za-z0-9'.-]*\s+){1,4}?(?:Street|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Highway|Hwy|Parkway|Pkwy|Terrace|Crescent)\b\.?${FLAT}`,
  'dgi',
);
// Street types that are also ordinary words (way, place, court, st, dr): only with capitalised names, "10 Downing St".
const EN_ADDRESS_CAPS = new RegExp(
  String.raw`${HOUSE}\s+(?:(?:[A-Z][A-Za-z'.-]*|\d+(?:st|nd|rd|th))\s+){1,4}?(?:St|Dr|Drive|Way|Place|Pl|Close|Square|Sq|Court|Ct|Row|Walk|Gardens)\b\.?${FLAT}`,
  'dg',
);

/** Replaces street addresses (Chinese and English) with `[地址]` / `[address]`. */
export function maskAddress(text: string): string {
  const cn = replaceFolded(text, CN_ADDRESS, () => '[地址]');
  const en = replaceFolded(cn, EN_ADDRESS, () => '[address]');
  return replaceFolded(en, EN_ADDRESS_CAPS, () => '[address]');
}

/** Everything `maskPii` masks plus street addresses: the text that may leave the process (LLM, embeddings). */
export function maskForLlm(text: string): string {
  return maskAddress(maskPii(text));
}

// Masks personal data in free text: for roles that may not see it and before text leaves the process.
// Order numbers look like long digit runs too, so ID numbers are masked only when their check digit is valid.

const PHONE = /(?<!\d)(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)/g;
// Starts only where a run of local-part characters starts: a long run without an @ is scanned once, not
// from every position in it (quadratic: 20,000 characters took ~350 ms). The local part has no length
// bound: one longer than RFC 5321's 64 characters is not a valid address, but is still someone's.
const EMAIL = /(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63})/g;
const CN_ID = /(?<![\dXx])\d{17}[\dXx](?![\dXx])/g;
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function isChineseIdNumber(id: string): boolean {
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return ID_CHECK[sum % 11] === id[17]?.toUpperCase();
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
  return text
    .replace(CN_ID, (whole: string) => (isChineseIdNumber(whole) ? `${whole.slice(0, 6)}********${whole.slice(-4)}` : whole))
    .replace(PHONE, (_whole, head: string, _mid: string, tail: string) => `${head}****${tail}`)
    .replace(EMAIL, '$1***@$2');
}

// Addresses have no check digit, so the patterns anchor on what every street address has: a street
// (路/街/大道/巷/弄/胡同, or a residential compound) followed by a house number. Around that anchor the
// match extends left over the administrative divisions and right over building, unit and room. Over-masking a
// word next to an address is the cheaper mistake: address masking only shapes what is sent out (maskForLlm).

// Han characters that may belong to a place name. Excluded: words that introduce an address in a sentence
// (地址是…, 寄到…, 送去…), so that the left extension stops there instead of swallowing the sentence.
const PLACE = String.raw`[^\P{Script=Han}是址在到我的寄送住为给请帮把你您们了往去向]`;
const STREET = '(?:大道|大街|路|街|(?<![知难])道|巷|弄|胡同)';
const COMPOUND = '(?:小区|花园|公寓|家园|新村|社区|大厦|广场|苑|村|城)';
const UNIT = '(?:号楼|号院|号|栋|幢|座|单元|楼|层|室|户|弄)';
const CN_ADDRESS = new RegExp(
  String.raw`${PLACE}{2,40}?(?:${STREET}\s?\d{1,5}\s?(?:号|號|弄|巷)|${COMPOUND}\s?\d{1,4}\s?(?:栋|幢|号楼|座|单元|号))` +
    // Right side: "5号楼", "1单元", "302室", a building name like "SOHO现代城", then a bare room number.
    String.raw`(?:[-\s]?(?:[0-9A-Za-z]{1,6}${UNIT}|[\p{Script=Han}A-Za-z]{2,10}?(?:${COMPOUND}|中心|大楼|园区|园|院|府)))*(?:[-－]?\d{1,5}(?!\d))?`,
  'gu',
);
// The leftmost match wins, so the lazy PLACE{2,40}? still extends as far left as the place characters go; the
// bound keeps a long run of Han text without an address linear instead of quadratic.

const HOUSE = String.raw`\b\d{1,6}[A-Za-z]?(?:-\d{1,6})?`;
const FLAT = String.raw`(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|#)\.?\s*#?[A-Za-z0-9-]{1,6}\b)?`;
// Unambiguous street types in any case: "221b baker street".
const EN_ADDRESS = new RegExp(
  String.raw`${HOUSE}\s+(?:[A-Za-z0-9][A-Za-z0-9'.-]*\s+){1,4}?(?:Street|Road|Rd|Avenue|Ave|Boulevard|Blvd|Lane|Highway|Hwy|Parkway|Pkwy|Terrace|Crescent)\b\.?${FLAT}`,
  'gi',
);
// Street types that are also ordinary words (way, place, court, st, dr): only with capitalised names, "10 Downing St".
const EN_ADDRESS_CAPS = new RegExp(
  String.raw`${HOUSE}\s+(?:(?:[A-Z][A-Za-z'.-]*|\d+(?:st|nd|rd|th))\s+){1,4}?(?:St|Dr|Drive|Way|Place|Pl|Close|Square|Sq|Court|Ct|Row|Walk|Gardens)\b\.?${FLAT}`,
  'g',
);

/** Replaces street addresses (Chinese and English) with `[地址]` / `[address]`. */
export function maskAddress(text: string): string {
  return text.replace(CN_ADDRESS, '[地址]').replace(EN_ADDRESS, '[address]').replace(EN_ADDRESS_CAPS, '[address]');
}

/** Everything `maskPii` masks plus street addresses: the text that may leave the process (LLM, embeddings). */
export function maskForLlm(text: string): string {
  return maskAddress(maskPii(text));
}

// Masks personal data in free text: for roles that may not see it and before text leaves the process.
// Order numbers look like long digit runs too, so ID numbers are masked only when their check digit is valid.

const PHONE = /(?<!\d)(?:\+?86[-\s]?)?(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?!\d)/g;
const EMAIL = /([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/g;
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

const HAN = /\p{Script=Han}/gu;
const LATIN_WORD = /[A-Za-z]{2,}/g;

/**
 * zh or en for a customer message. Mixed messages are common ("iPhone 15能用这个壳吗", "VIP会员"), so
 * one Han character is not enough: the message is Chinese when its Han characters are at least as many
 * as its Latin words (a Chinese word is about 1.5 characters), English otherwise.
 */
export function detectLanguage(text: string): 'zh' | 'en' {
  const han = text.match(HAN)?.length ?? 0;
  if (han === 0) return 'en';
  const words = text.match(LATIN_WORD)?.length ?? 0;
  return han >= words ? 'zh' : 'en';
}

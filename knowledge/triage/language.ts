import { EMAIL, LINK } from './links.js';

const HAN = /\p{Script=Han}/gu;
// Chinese function characters (particles, pronouns, negation, modal verbs): they make a Chinese sentence,
// and names and product words rarely contain them.
const HAN_FUNCTION = /[的了吗呢吧啊呀么是在有我你他她们这那哪个不没能会要还就都也和把被给让请怎什]/gu;
const LATIN_WORD = /[A-Za-z]{2,}/g;

/**
 * zh or en for a customer message. Mixed messages are common ("iPhone 15能用这个壳吗", "Nike Air Force 1
 * 还有42码吗", "Please send it to 王小明"), so neither script wins by presence alone. Each side gets a
 * score in words: Han characters count 1/1.5 (about 1.5 characters a word) plus one per function
 * character, since those carry a Chinese sentence; Latin words count 1, or 1/2 when capitalised
 * (names and models sit inside Chinese sentences, while an English sentence is mostly lower case).
 * Links and e-mail addresses are removed first. Ties go to Chinese.
 */
export function detectLanguage(text: string): 'zh' | 'en' {
  // Links and e-mail addresses are Latin letters whatever language the message is in: left out.
  const t = text.replace(EMAIL, ' ').replace(LINK, ' ');
  const han = t.match(HAN)?.length ?? 0;
  if (han === 0) return 'en';
  const zh = han / 1.5 + (t.match(HAN_FUNCTION)?.length ?? 0);
  let en = 0;
  // A capitalised, upper-case or mixed-case word ("Nike", "VIP", "iPhone") is usually a name or a model.
  for (const word of t.match(LATIN_WORD) ?? []) en += /^[a-z]+$/.test(word) ? 1 : 0.5;
  return zh >= en ? 'zh' : 'en';
}

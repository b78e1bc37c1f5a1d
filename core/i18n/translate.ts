import { catalogue } from './catalogue.js';

export type Lang = 'zh' | 'en';
export type MessageKey = keyof typeof catalogue;
/** Placeholder values: plain text or numbers as they are, `{ key }` for another catalogue entry (a status, an action). */
export type MessageParams = Record<string, string | number | { key: MessageKey }>;
/** A user-facing text not yet rendered: adapters render it in the reader's language. */
export interface LocalizedText {
  key: MessageKey;
  params?: MessageParams;
}

/** Renders a catalogue entry in `lang`, filling `{name}` placeholders. Unknown placeholders stay as they are. */
export function t(lang: Lang, key: MessageKey, params: MessageParams = {}): string {
  return catalogue[key][lang].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'object' ? catalogue[value.key][lang] : String(value);
  });
}

export function render(lang: Lang, text: LocalizedText): string {
  return t(lang, text.key, text.params);
}

/** The language of a piece of user text: Chinese when it has any Han characters. */
export function detectLang(text: string): Lang {
  return /\p{Script=Han}/u.test(text) ? 'zh' : 'en';
}

/** Picks zh or en from an Accept-Language style header, defaulting to zh (the shops we serve are Chinese first). */
export function langFromHeader(header: string | undefined): Lang {
  if (!header) return 'zh';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}

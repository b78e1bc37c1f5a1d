// Text normalisation and feature extraction shared by the local embedder and BM25, so that both
// see the same "words". Chinese is not segmented: character n-grams stand in for words, which needs
// no dictionary and degrades gracefully on slang, typos and mixed zh-en text.

/**
 * General-purpose folding of Chinese question and modal words that customers use interchangeably
 * (为啥 / 为什么 / 为何, 如何 / 怎么 / 怎样, 可以 / 能否 / 能不能, …) and of variant characters.
 * Only function words: product and domain words are never folded, so the list is not tied to one
 * knowledge base. Longest keys first so that 怎么样 wins over 怎么.
 */
const ZH_FOLDS: [string, string][] = (
  [
    ['怎么回事', '为何'],
    ['什么原因', '为何'],
    ['啥原因', '为何'],
    ['为什么', '为何'],
    ['为啥', '为何'],
    ['可不可以', '能'],
    ['能不能', '能'],
    ['能否', '能'],
    ['可以', '能'],
    ['不可以', '不能'],
    ['无法', '不能'],
    ['没法', '不能'],
    ['不了', '不能'],
    ['怎么样', '怎么'],
    ['怎样', '怎么'],
    ['如何', '怎么'],
    ['咋', '怎么'],
    ['什么时候', '何时'],
    ['哪儿', '哪'],
    ['哪里', '哪'],
    ['多少', '几'],
    ['啥', '什么'],
    // 么 alone is not folded: it is part of 什么 / 怎么.
    ['嘛', '吗'],
    ['帐', '账'],
  ] as [string, string][]
).sort((a, b) => b[0].length - a[0].length);

/** English chat contractions and abbreviations, folded to one spelling. */
const EN_FOLDS: Record<string, string> = {
  "can't": 'can not',
  cant: 'can not',
  cannot: 'can not',
  "won't": 'will not',
  "don't": 'do not',
  dont: 'do not',
  "doesn't": 'does not',
  "didn't": 'did not',
  "isn't": 'is not',
  "i'm": 'i am',
  im: 'i am',
  pls: 'please',
  plz: 'please',
  u: 'you',
  ur: 'your',
  r: 'are',
  thx: 'thanks',
};

const ZH_FOLD_RE = new RegExp(ZH_FOLDS.map(([from]) => from).join('|'), 'g');
const ZH_FOLD_MAP = new Map(ZH_FOLDS);

/** Sentence-final particles and filler characters: kept, but down-weighted (they carry tone, not topic). */
export const ZH_STOP_CHARS = new Set('的了吗呢啊吧呀哦嗯哈请');

/** Placeholder for masked spans (`***`, `****`) and long digit runs (order ids, phone numbers). */
export const MASK = '※';

/**
 * Canonical form of a text: NFKC (full-width → half-width), lower case, masked spans and long
 * numbers to one placeholder, Chinese function-word folding. Short numbers are kept ("100 night
 * trial", "7天无理由") because they often name the topic.
 */
export function normaliseText(text: string): string {
  let t = text.normalize('NFKC').toLowerCase();
  t = t.replace(/\*{2,}|\d{5,}/g, ` ${MASK} `);
  t = t.replace(/[’‘`]/g, "'");
  t = t.replace(ZH_FOLD_RE, (m) => ZH_FOLD_MAP.get(m) ?? m);
  return t;
}

/** A run of text in one script, after normalisation. */
export type Segment = { kind: 'zh'; text: string } | { kind: 'en'; words: string[] };

// Han characters (incl. extension A) and the mask form Chinese runs; Latin letters/digits form words.
const SEGMENT_RE = /[\u3400-\u9fff※]+|[a-z0-9]+(?:'[a-z]+)?/g;

/** Splits normalised text into Chinese runs and English word runs, folding English contractions. */
export function segment(normalised: string): Segment[] {
  const out: Segment[] = [];
  let words: string[] = [];
  for (const m of normalised.matchAll(SEGMENT_RE)) {
    const s = m[0];
    if (/^[a-z0-9]/.test(s)) {
      const folded = EN_FOLDS[s];
      if (folded) words.push(...folded.split(' '));
      else words.push(s.endsWith("'s") ? s.slice(0, -2) : s);
      continue;
    }
    if (words.length) out.push({ kind: 'en', words });
    words = [];
    out.push({ kind: 'zh', text: s });
  }
  if (words.length) out.push({ kind: 'en', words });
  return out;
}

/** A weighted feature: `key` is hashed later; `weight` scales its term frequency. */
export interface Feature {
  key: string;
  weight: number;
}

/** What features to extract; the defaults are the embedder's. */
export interface FeatureOptions {
  /** Longest Chinese character n-gram (1 = unigrams only). */
  zhMaxN: number;
  /** English character n-grams of `<word>` from 3 to this length (0 = none). */
  enCharMaxN: number;
  /** English word bigrams. */
  enBigrams: boolean;
  /** Weight of Chinese n-grams made only of stop characters. */
  stopWeight: number;
}

export const EMBEDDER_FEATURES: FeatureOptions = { zhMaxN: 2, enCharMaxN: 5, enBigrams: true, stopWeight: 0.5 };
/** BM25 works on "words": Chinese unigrams + bigrams, English words. */
export const KEYWORD_FEATURES: FeatureOptions = { zhMaxN: 2, enCharMaxN: 0, enBigrams: false, stopWeight: 1 };

/** Features of a text (with repeats: the caller counts term frequency). */
export function textFeatures(text: string, opts: FeatureOptions = EMBEDDER_FEATURES): Feature[] {
  const out: Feature[] = [];
  for (const seg of segment(normaliseText(text))) {
    if (seg.kind === 'zh') {
      const chars = [...seg.text];
      for (let n = 1; n <= opts.zhMaxN; n++) {
        for (let i = 0; i + n <= chars.length; i++) {
          const gram = chars.slice(i, i + n);
          const stop = gram.every((c) => ZH_STOP_CHARS.has(c));
          out.push({ key: `z${gram.join('')}`, weight: stop ? opts.stopWeight : 1 });
        }
      }
      continue;
    }
    const { words } = seg;
    for (const w of words) {
      out.push({ key: `w${w}`, weight: 1 });
      if (opts.enCharMaxN >= 3 && w.length > 2) {
        const padded = `<${w}>`;
        for (let n = 3; n <= opts.enCharMaxN; n++) {
          for (let i = 0; i + n <= padded.length; i++) out.push({ key: `c${padded.slice(i, i + n)}`, weight: 1 });
        }
      }
    }
    if (opts.enBigrams) for (let i = 0; i + 1 < words.length; i++) out.push({ key: `b${words[i]} ${words[i + 1]}`, weight: 1 });
  }
  return out;
}

/** Term frequencies: summed weights per feature key. */
export function termFrequencies(features: Feature[]): Map<string, number> {
  const tf = new Map<string, number>();
  for (const f of features) tf.set(f.key, (tf.get(f.key) ?? 0) + f.weight);
  return tf;
}

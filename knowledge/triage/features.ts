// Text → hashed sparse feature vector for the local triage models. No segmenter: Chinese is read as
// character 1–3-grams (robust to colloquial text, typos and new words), English as word 1–2-grams
// plus character 3–5-grams inside words (morphology and misspellings). Hashing keeps the model a fixed
// size whatever the vocabulary, so corrections can add new words without a rebuild.

/** A sparse vector: sorted unique indices and their values. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

/** Default hash space: 2^18 buckets keeps collisions rare for tens of thousands of n-grams. */
export const DEFAULT_DIM = 1 << 18;

const HAN = /\p{Script=Han}/u;
const WORD = /[\p{L}\p{N}]/u;
const EMOJI = /\p{Extended_Pictographic}/u;
// Digit runs this long are order, tracking or phone numbers: their exact value says nothing about the
// category, only that "a number was given" does.
const LONG_NUMBER = 6;

/** NFKC folds full-width letters, digits and punctuation (Ｖｉｐ，！) to their plain forms; then lower case. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

type Run = { kind: 'han' | 'word' | 'other'; text: string };

// ASCII fast path: classification runs per character on every message, and most are ASCII or Han.
function kindOf(ch: string): Run['kind'] {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return (cp >= 0x61 && cp <= 0x7a) || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) ? 'word' : 'other';
  return HAN.test(ch) ? 'han' : WORD.test(ch) ? 'word' : 'other';
}

// Splits into Han runs, Latin/digit words and single other characters (emoji, punctuation).
function runs(text: string): Run[] {
  const out: Run[] = [];
  for (const ch of text) {
    const kind = kindOf(ch);
    const last = out.at(-1);
    if (kind !== 'other' && last?.kind === kind) last.text += ch;
    else out.push({ kind, text: ch });
  }
  return out;
}

function wordToken(word: string): string {
  if (/^\d+$/.test(word)) return word.length >= LONG_NUMBER ? `<num${Math.min(word.length, 19)}>` : word;
  // Mixed ids such as "so20261103" or "sf1402938475612": keep the letter prefix, drop the digits.
  const prefix = /^([a-z]{1,4})\d{6,}$/.exec(word);
  return prefix ? `${prefix[1]}<id>` : word;
}

/**
 * The readable feature strings of a text, each with a namespace prefix (`h:` Han n-gram, `w:` word,
 * `b:` word bigram, `c:` in-word character n-gram, `e:` emoji, `p:` punctuation mark, `x:` shape).
 * Deterministic: the same text always gives the same list in the same order.
 */
export function featureTokens(text: string): string[] {
  const tokens: string[] = [];
  const words: string[] = [];
  let bangs = 0;
  for (const run of runs(normalizeText(text))) {
    if (run.kind === 'han') {
      const chars = [...run.text];
      for (let n = 1; n <= 3; n++) for (let i = 0; i + n <= chars.length; i++) tokens.push(`h:${chars.slice(i, i + n).join('')}`);
      words.push('<han>');
    } else if (run.kind === 'word') {
      const word = wordToken(run.text);
      tokens.push(`w:${word}`);
      if (word.length >= 3 && !word.includes('<')) {
        const padded = `<${word}>`;
        for (let n = 3; n <= 5; n++) for (let i = 0; i + n <= padded.length; i++) tokens.push(`c:${padded.slice(i, i + n)}`);
      }
      words.push(word);
    } else if (EMOJI.test(run.text)) {
      tokens.push(`e:${run.text}`);
    } else if (/[!?]/.test(run.text)) {
      tokens.push(`p:${run.text}`);
      if (run.text === '!') bangs++;
    }
  }
  // Word bigrams only between Latin words: "not received" ≠ "received"; Han context is in the 2/3-grams.
  for (let i = 0; i + 1 < words.length; i++) {
    const [a, b] = [words[i], words[i + 1]];
    if (a !== '<han>' && b !== '<han>') tokens.push(`b:${a} ${b}`);
  }
  if (bangs >= 2) tokens.push('x:!!');
  if (tokens.length === 0) tokens.push('x:empty');
  return tokens;
}

/** FNV-1a over UTF-16 code units: fast, stable across runs and platforms, good enough spread for hashing. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Hashes tokens into `dim` buckets with sublinear term frequency (1 + ln tf) and L2 normalisation, so
 * long messages do not outweigh short ones. `extra` adds named features with a fixed value (rule
 * signals, for instance) before normalising.
 */
export function hashFeatures(tokens: readonly string[], dim = DEFAULT_DIM, extra: readonly string[] = []): SparseVector {
  // Sorting hashed ids and counting runs is several times faster than a Map for a few hundred tokens.
  const keys = Int32Array.from(tokens, (t) => hashString(t) % dim).sort();
  const extras = Int32Array.from(new Set(extra.map((t) => hashString(t) % dim))).sort();
  const idx: number[] = [];
  const val: number[] = [];
  let i = 0;
  let e = 0;
  while (i < keys.length || e < extras.length) {
    const next = Math.min(keys[i] ?? Number.POSITIVE_INFINITY, extras[e] ?? Number.POSITIVE_INFINITY);
    let tf = 0;
    while (keys[i] === next) {
      tf++;
      i++;
    }
    let v = tf ? 1 + Math.log(tf) : 0;
    if (extras[e] === next) {
      v += 1;
      e++;
    }
    idx.push(next);
    val.push(v);
  }
  let norm = 0;
  for (const v of val) norm += v * v;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { idx: Int32Array.from(idx), val: Float32Array.from(val, (v) => v * scale) };
}

/** `featureTokens` then `hashFeatures`: the vector the models see. */
export function featurize(text: string, dim = DEFAULT_DIM, extra: readonly string[] = []): SparseVector {
  return hashFeatures(featureTokens(text), dim, extra);
}

/** Cosine similarity of two L2-normalised sparse vectors (a merge over sorted indices). */
export function cosine(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.idx.length && j < b.idx.length) {
    const ai = a.idx[i] ?? 0;
    const bj = b.idx[j] ?? 0;
    if (ai === bj) dot += (a.val[i++] ?? 0) * (b.val[j++] ?? 0);
    else if (ai < bj) i++;
    else j++;
  }
  return dot;
}

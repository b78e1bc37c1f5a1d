// Links and e-mail addresses in customer text: Latin letters and digits whatever language the message is
// in, and never an order number (order-ids.ts blanks them, language.ts leaves them out).

/**
 * A link: with a scheme or `www.`, or a bare domain of a common TLD and its path. Only ASCII runs:
 * Chinese text often follows a link without a space. The bare form is anchored at the start of its run:
 * unanchored, a long run of letters and dots was tried from every position (quadratic).
 */
export const LINK =
  /\b(?:https?:\/\/|www\.)[!-~]+|(?<![a-z0-9.-])(?:[a-z0-9-]+\.)+(?:com|cn|net|org|hk|tw|jp|io|co|shop|top|xyz|me|cc|tv)(?::\d+)?(?:\/[!-~]*)?/gi;

/**
 * An e-mail address (QQ mail is "<QQ number>@qq.com"). Anchored at the start of its run, as in
 * core/pii.ts: unanchored, a long run without "@" was tried from every position (~0.3 s for 20,000 letters).
 */
export const EMAIL = /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

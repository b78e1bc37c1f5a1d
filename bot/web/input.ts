import { z } from 'zod';

// Node 20 has String.prototype.toWellFormed (ES2024); the project's TypeScript lib is ES2023.
const toWellFormed = (s: string): string => (s as string & { toWellFormed(): string }).toWellFormed();

/**
 * The string schema of every field the web channel reads (bodies, queries, route parameters); chain
 * `.trim()`, `.min()`, `.max()` on it as on `z.string()`. It makes a string store and compare alike on
 * both databases:
 * - NUL (U+0000) is refused, naming the field: PostgreSQL cannot store it in a text column (error
 *   22021, which would be a 500 there) while SQLite keeps it.
 * - A lone UTF-16 surrogate (a client cutting text inside an emoji) becomes U+FFFD, which is what the
 *   pg driver stores for it. Otherwise a retry of the same request compared the raw string with the
 *   stored U+FFFD and got 409, and `encodeURIComponent` (delivery ids) threw on it (500). Refusing it
 *   instead would fail a whole message over one broken character its sender cannot see.
 */
export function webString() {
  return z
    .string()
    .overwrite(toWellFormed)
    .refine((s) => !s.includes('\u0000'), { message: 'must not contain the NUL character (\\u0000)' });
}

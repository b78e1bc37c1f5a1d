// The token that lets the asker, and only the asker, give feedback on an auto-answer over HTTP. Log ids
// are sequential and customer ids are often guessable (a gateway's `u-1001`), so "did not help" asks
// for a token handed out with the answer: an HMAC of the log id under a secret kept in the database
// (created once, by whichever process asks first), so every process checks every other's tokens.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TicketStore } from '../../core/ports.js';

const SECRET_KEY = 'web.answerTokenSecret';

export class AnswerTokens {
  private secret: Promise<string> | undefined;

  constructor(private readonly store: Pick<TicketStore, 'initSetting'>) {}

  async issue(logId: number): Promise<string> {
    return createHmac('sha256', await this.key())
      .update(`auto-answer:${logId}`)
      .digest('base64url')
      .slice(0, 32);
  }

  async verify(logId: number, token: string): Promise<boolean> {
    const expected = Buffer.from(await this.issue(logId));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private key(): Promise<string> {
    this.secret ??= this.store.initSetting(SECRET_KEY, randomBytes(32).toString('base64')).catch((error: unknown) => {
      this.secret = undefined;
      throw error;
    });
    return this.secret;
  }
}

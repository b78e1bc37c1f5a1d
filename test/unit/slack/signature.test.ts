import { verifySlackRequest } from '@slack/bolt';
import { describe, expect, test } from 'vitest';
import { signatureProblem } from '../../../bot/slack/signature.js';
import { slackSignature } from '../../helpers/slack-requests.js';

const SECRET = 'signing-secret';
const NOW_MS = 1_800_000_000_000;
const NOW_S = NOW_MS / 1000;
const BODY = 'command=%2Fticket&text=new+%E5%BF%AB%E9%80%92&trigger_id=1.2.abc';

/** Bolt's verdict for the same request, as the receiver used to ask for it. */
function boltAccepts(secret: string, body: string, signature: string, timestamp: string): boolean {
  try {
    verifySlackRequest({
      signingSecret: secret,
      body,
      headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': Number(timestamp) },
      nowMilliseconds: NOW_MS,
    });
    return true;
  } catch {
    return false;
  }
}

const good = slackSignature(SECRET, NOW_S, BODY);
const cases: [string, { secret?: string; body?: string; signature?: string; timestamp?: string }][] = [
  ['a correctly signed request', {}],
  ['signed 4 minutes 59 s ago', { timestamp: String(NOW_S - 299), signature: slackSignature(SECRET, NOW_S - 299, BODY) }],
  ['signed exactly 5 minutes ago', { timestamp: String(NOW_S - 300), signature: slackSignature(SECRET, NOW_S - 300, BODY) }],
  ['signed 5 minutes 1 s ago', { timestamp: String(NOW_S - 301), signature: slackSignature(SECRET, NOW_S - 301, BODY) }],
  ['signed in the future (Bolt accepts it)', { timestamp: String(NOW_S + 3600), signature: slackSignature(SECRET, NOW_S + 3600, BODY) }],
  ['a timestamp with a leading zero and spaces', { timestamp: ` 0${NOW_S} `, signature: slackSignature(SECRET, NOW_S, BODY) }],
  ['a timestamp that is not a number', { timestamp: 'soon' }],
  ['a timestamp with trailing junk', { timestamp: `${NOW_S}abc`, signature: slackSignature(SECRET, NOW_S, BODY) }],
  ['a timestamp in exponent notation', { timestamp: '1.8e9', signature: slackSignature(SECRET, NOW_S, BODY) }],
  ['an infinite timestamp', { timestamp: 'Infinity', signature: slackSignature(SECRET, Number.POSITIVE_INFINITY, BODY) }],
  ['no timestamp', { timestamp: '' }],
  ['a body changed by one byte', { body: `${BODY}x` }],
  ['the other secret', { secret: 'another-secret' }],
  ['an empty secret', { secret: '' }],
  ['no signature', { signature: '' }],
  ['version v1', { signature: good.replace('v0=', 'v1=') }],
  ['no hash', { signature: 'v0=' }],
  ['an upper-case hash', { signature: `v0=${good.slice(3).toUpperCase()}` }],
  ['a truncated hash', { signature: good.slice(0, -1) }],
  ['a hash with a byte appended', { signature: `${good}0` }],
  ['a hash followed by another =part', { signature: `${good}=junk` }],
  ['a hash of non-ASCII characters of the same length', { signature: `v0=${'é'.repeat(32)}` }],
];

describe('Slack request signature', () => {
  test.each(cases)('%s: the same verdict as Bolt', (_name, c) => {
    const args = [c.secret ?? SECRET, c.body ?? BODY, c.signature ?? good, c.timestamp ?? String(NOW_S)] as const;
    const bolt = boltAccepts(...args);
    expect(signatureProblem(...args, NOW_MS) === null).toBe(bolt);
  });

  test('the verdicts cover both answers, and say why a request is refused', () => {
    expect(signatureProblem(SECRET, BODY, good, String(NOW_S), NOW_MS)).toBeNull();
    expect(signatureProblem(SECRET, BODY, good, String(NOW_S - 301), NOW_MS)).toBe('the timestamp is more than 5 minutes old');
    expect(signatureProblem(SECRET, BODY, good.replace('v0=', 'v1='), String(NOW_S), NOW_MS)).toBe('unknown signature version');
    expect(signatureProblem(SECRET, `${BODY}x`, good, String(NOW_S), NOW_MS)).toBe('signature mismatch');
    expect(signatureProblem(SECRET, BODY, good, 'soon', NOW_MS)).toMatch(/not a number/);
    expect(signatureProblem('', BODY, good, String(NOW_S), NOW_MS)).toMatch(/secret is empty/);
  });
});

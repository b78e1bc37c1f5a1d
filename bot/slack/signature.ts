// Slack's request signature (HMAC-SHA256, version v0), checked in front of every acknowledgement.
// The rules are Bolt's `verifySlackRequest` (the tests hold the two to the same verdicts): a timestamp
// older than five minutes is stale, only `v0` is known, and the hash must equal ours exactly (lower-case
// hex). Bolt compares with tsscmp, which draws 32 random bytes and computes two more HMACs per request;
// on the 2026-12-07 machine that was ~27 µs of the ~40 µs a check took, on the thread that also accepts
// and acknowledges every request of a burst (docs/benchmarks.md). `timingSafeEqual` is constant-time
// for equal lengths, and the length of a v0 hash is public.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far in the past a request's timestamp may be (Slack's rule against replays). */
const MAX_AGE_S = 5 * 60;

/**
 * Checks a request's `X-Slack-Signature` against its raw body and `X-Slack-Request-Timestamp`.
 * Returns null when it is Slack's, else why not (for the log; the caller answers 401).
 */
export function signatureProblem(secret: string, body: string, signature: string, timestamp: string, nowMs = Date.now()): string | null {
  if (!secret) return 'the signing secret is empty';
  const seconds = Number(timestamp);
  if (Number.isNaN(seconds)) return `the timestamp is not a number (${timestamp.slice(0, 40)})`;
  if (seconds < Math.floor(nowMs / 1000) - MAX_AGE_S) return 'the timestamp is more than 5 minutes old';
  const [version, hash] = signature.split('=');
  if (version !== 'v0') return 'unknown signature version';
  if (!hash) return 'signature mismatch';
  const ours = Buffer.from(createHmac('sha256', secret).update(`v0:${seconds}:${body}`).digest('hex'));
  const theirs = Buffer.from(hash);
  return theirs.length === ours.length && timingSafeEqual(theirs, ours) ? null : 'signature mismatch';
}

import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { DeadlineExceededError, withDeadline } from '../../../../knowledge/llm/deadline.js';
import { describeLlmFailure, LlmOutputError } from '../../../../knowledge/llm/failure.js';

describe('withDeadline', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('passes the result through and clears its timer', async () => {
    await expect(withDeadline(100, async () => 'ok')).resolves.toBe('ok');
    expect(vi.getTimerCount()).toBe(0);
  });

  test('aborts the signal and rejects at the deadline even if the work ignores the signal', async () => {
    let signal: AbortSignal | undefined;
    const pending = withDeadline(100, (s) => {
      signal = s;
      return new Promise(() => {});
    });
    const settled = expect(pending).rejects.toBeInstanceOf(DeadlineExceededError);
    await vi.advanceTimersByTimeAsync(100);
    await settled;
    expect(signal?.aborted).toBe(true);
  });
});

describe('describeLlmFailure', () => {
  test.each([
    [new DeadlineExceededError(5), 'timeout'],
    [new APIConnectionTimeoutError(), 'timeout'],
    [new APIUserAbortError(), 'timeout'],
    [new APIConnectionError({ message: 'refused' }), 'network'],
    [APIError.generate(429, undefined, 'slow down', new Headers()), 'rate_limited'],
    [APIError.generate(503, undefined, 'down', new Headers()), 'http_error'],
    [new SyntaxError('bad json'), 'malformed_json'],
    [z.string().safeParse(1).error, 'schema_violation'],
    [new LlmOutputError('refusal', 'no'), 'refusal'],
    ['a string', 'unknown'],
  ])('%s → %s', (error, reason) => {
    expect(describeLlmFailure(error).reason).toBe(reason);
  });

  test('keeps the HTTP status', () => {
    expect(describeLlmFailure(APIError.generate(503, undefined, 'down', new Headers()))).toMatchObject({ status: 503 });
  });
});

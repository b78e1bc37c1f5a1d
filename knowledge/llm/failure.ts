import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError, OpenAIError } from 'openai';
import { z } from 'zod';
import { DeadlineExceededError } from './deadline.js';

/** Why an LLM call produced no usable answer. Used for logs and metrics, so kept to a small fixed set. */
export type LlmFailureReason =
  | 'timeout'
  | 'rate_limited'
  | 'http_error'
  | 'network'
  | 'refusal'
  | 'truncated'
  | 'content_filter'
  | 'empty'
  | 'malformed_json'
  | 'schema_violation'
  | 'invalid_output'
  | 'unknown';

/** An answer that arrived but cannot be used (refusal, empty, schema mismatch). Expected, so it carries a reason. */
export class LlmOutputError extends Error {
  constructor(
    readonly reason: LlmFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'LlmOutputError';
  }
}

export interface LlmFailure {
  reason: LlmFailureReason;
  /** HTTP status of the last attempt, when there was one. */
  status?: number;
  message: string;
}

/** Sorts anything an LLM call threw into a reason; never throws. */
export function describeLlmFailure(error: unknown): LlmFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof LlmOutputError) return { reason: error.reason, message };
  // Our deadline aborts the SDK, which reports a user abort: both mean the time budget ran out.
  if (error instanceof DeadlineExceededError || error instanceof APIConnectionTimeoutError || error instanceof APIUserAbortError) {
    return { reason: 'timeout', message };
  }
  if (error instanceof APIConnectionError) return { reason: 'network', message };
  if (error instanceof APIError && error.status !== undefined) {
    return { reason: error.status === 429 ? 'rate_limited' : 'http_error', status: error.status, message };
  }
  if (error instanceof SyntaxError) return { reason: 'malformed_json', message };
  if (error instanceof z.core.$ZodError) return { reason: 'schema_violation', message: z.prettifyError(error) };
  // Not exported from the package root: recognise the SDK's finish-reason errors by name.
  if (error instanceof OpenAIError && error.constructor.name === 'LengthFinishReasonError') return { reason: 'truncated', message };
  if (error instanceof OpenAIError && error.constructor.name === 'ContentFilterFinishReasonError') return { reason: 'content_filter', message };
  return { reason: 'unknown', message };
}

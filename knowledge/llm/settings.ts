import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { ResponseFormatMode } from './structured-output.js';

/**
 * LLM settings from the environment. The LLM path is on when OPENAI_API_KEY or OPENAI_BASE_URL is set:
 * local OpenAI-compatible servers (vLLM, Ollama) usually need no key.
 */
export const ZLlmEnv = z.object({
  OPENAI_API_KEY: z.string().min(1).optional(),
  OPENAI_BASE_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL, e.g. http://localhost:11434/v1' }).optional(),
  TRIAGE_MODEL: z.string().min(1).default('gpt-4o-mini'),
  EMBEDDING_MODEL: z.string().min(1).default('text-embedding-3-small'),
  /** Vector size to request (text-embedding-3 can shorten its vectors); otherwise learned from the first answer. */
  EMBEDDING_DIMENSIONS: z.coerce.number().int().positive().optional(),
  /** Defaults to TRIAGE_MODEL. */
  REPLY_MODEL: z.string().min(1).optional(),
  /** Upper bound for one LLM call including the SDK's retries. */
  LLM_TIMEOUT_MS: z.coerce.number().int().positive().default(8000),
  /** Bound for one embedding request: a local server embedding a whole batch can be slower than a chat answer. */
  EMBEDDING_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** json_schema (structured outputs) or json_object for endpoints without it, such as DeepSeek. */
  LLM_RESPONSE_FORMAT: z.enum(['json_schema', 'json_object']).default('json_schema'),
});

export interface LlmSettings {
  apiKey: string | undefined;
  baseURL: string | undefined;
  triageModel: string;
  embeddingModel: string;
  embeddingDimensions: number | undefined;
  replyModel: string;
  timeoutMs: number;
  embeddingTimeoutMs: number;
  maxRetries: number;
  responseFormat: ResponseFormatMode;
}

/** Parses the LLM settings; null when neither OPENAI_API_KEY nor OPENAI_BASE_URL is set (local models only). Throws CONFIG_INVALID listing every problem. */
export function parseLlmSettings(env: NodeJS.ProcessEnv): LlmSettings | null {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ZLlmEnv.safeParse(cleaned);
  if (!parsed.success) {
    throw new AppError('CONFIG_INVALID', { message: `Invalid LLM environment:\n${z.prettifyError(parsed.error)}`, details: parsed.error.issues });
  }
  const e = parsed.data;
  if (e.OPENAI_API_KEY === undefined && e.OPENAI_BASE_URL === undefined) return null;
  return {
    apiKey: e.OPENAI_API_KEY,
    baseURL: e.OPENAI_BASE_URL,
    triageModel: e.TRIAGE_MODEL,
    embeddingModel: e.EMBEDDING_MODEL,
    embeddingDimensions: e.EMBEDDING_DIMENSIONS,
    replyModel: e.REPLY_MODEL ?? e.TRIAGE_MODEL,
    timeoutMs: e.LLM_TIMEOUT_MS,
    embeddingTimeoutMs: e.EMBEDDING_TIMEOUT_MS,
    maxRetries: e.LLM_MAX_RETRIES,
    responseFormat: e.LLM_RESPONSE_FORMAT,
  };
}

import OpenAI from 'openai';
import type { LlmSettings } from './settings.js';

/**
 * The official SDK pointed at any OpenAI-compatible endpoint. The SDK retries 429/5xx/timeouts with
 * backoff (honouring retry-after) and its `timeout` applies to each attempt; callers bound the total with
 * `withDeadline` (./deadline.ts), so an attempt never gets more than the whole budget.
 */
export function createOpenAIClient(settings: Pick<LlmSettings, 'apiKey' | 'baseURL' | 'timeoutMs' | 'maxRetries'>): OpenAI {
  return new OpenAI({
    // The SDK refuses to start without a key; keyless local servers ignore the header.
    apiKey: settings.apiKey ?? 'no-key',
    baseURL: settings.baseURL ?? null,
    timeout: settings.timeoutMs,
    maxRetries: settings.maxRetries,
  });
}

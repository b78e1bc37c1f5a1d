import { describe, expect, test } from 'vitest';
import { AppError } from '../../../../core/errors.js';
import { createOpenAIClient } from '../../../../knowledge/llm/client.js';
import { parseLlmSettings } from '../../../../knowledge/llm/settings.js';

describe('parseLlmSettings', () => {
  test('LLM off without a key or base URL', () => {
    expect(parseLlmSettings({})).toBeNull();
    expect(parseLlmSettings({ OPENAI_API_KEY: '', TRIAGE_MODEL: 'x' })).toBeNull();
  });

  test('defaults with just a key', () => {
    expect(parseLlmSettings({ OPENAI_API_KEY: 'sk-test' })).toEqual({
      apiKey: 'sk-test',
      baseURL: undefined,
      triageModel: 'gpt-4o-mini',
      embeddingModel: 'text-embedding-3-small',
      embeddingDimensions: undefined,
      replyModel: 'gpt-4o-mini',
      timeoutMs: 8000,
      embeddingTimeoutMs: 30_000,
      maxRetries: 2,
      responseFormat: 'json_schema',
    });
  });

  test('a keyless local server (Ollama, vLLM) with every option set', () => {
    const settings = parseLlmSettings({
      OPENAI_BASE_URL: 'http://localhost:11434/v1',
      TRIAGE_MODEL: 'qwen2.5:7b',
      REPLY_MODEL: 'qwen2.5:14b',
      EMBEDDING_MODEL: 'bge-m3',
      EMBEDDING_DIMENSIONS: '1024',
      LLM_TIMEOUT_MS: '15000',
      LLM_MAX_RETRIES: '0',
      LLM_RESPONSE_FORMAT: 'json_object',
    });
    expect(settings).toMatchObject({
      apiKey: undefined,
      baseURL: 'http://localhost:11434/v1',
      triageModel: 'qwen2.5:7b',
      replyModel: 'qwen2.5:14b',
      embeddingModel: 'bge-m3',
      embeddingDimensions: 1024,
      timeoutMs: 15_000,
      maxRetries: 0,
      responseFormat: 'json_object',
    });
  });

  test('lists every problem in one CONFIG_INVALID error', () => {
    const error = (() => {
      try {
        parseLlmSettings({ OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'localhost:8000', LLM_TIMEOUT_MS: '-1', LLM_RESPONSE_FORMAT: 'xml' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFIG_INVALID');
    for (const name of ['OPENAI_BASE_URL', 'LLM_TIMEOUT_MS', 'LLM_RESPONSE_FORMAT']) expect((error as AppError).message).toContain(name);
  });
});

describe('createOpenAIClient', () => {
  test('passes base URL, per-attempt timeout and retries to the SDK', () => {
    const client = createOpenAIClient({ apiKey: undefined, baseURL: 'http://127.0.0.1:8000/v1', timeoutMs: 1234, maxRetries: 5 });
    expect(client.baseURL).toBe('http://127.0.0.1:8000/v1');
    expect(client.timeout).toBe(1234);
    expect(client.maxRetries).toBe(5);
    expect(client.apiKey).toBe('no-key');
  });

  test('without a base URL the SDK default is used, not a stray environment variable', () => {
    expect(createOpenAIClient({ apiKey: 'k', baseURL: undefined, timeoutMs: 1, maxRetries: 0 }).baseURL).toBe('https://api.openai.com/v1');
  });
});

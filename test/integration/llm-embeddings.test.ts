import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { AppError } from '../../core/errors.js';
import { createOpenAIClient } from '../../knowledge/llm/client.js';
import { createLlmServices } from '../../knowledge/llm/index.js';
import { OpenAIEmbedder, type OpenAIEmbedderOptions } from '../../knowledge/llm/openai-embedder.js';
import { type FakeOpenAI, fakeVector, startFakeOpenAI } from '../helpers/fake-openai.js';

/* OpenAIEmbedder through the real openai SDK against the local fake endpoint. */

let fake: FakeOpenAI;
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(async () => {
  await fake.close();
});

function embedder(over: Partial<OpenAIEmbedderOptions> = {}) {
  const client = createOpenAIClient({ apiKey: 'test-key', baseURL: fake.baseURL, timeoutMs: 5000, maxRetries: 2 });
  return new OpenAIEmbedder({ client, model: 'fake-embed', timeoutMs: 5000, ...over });
}

const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const texts = (n: number) => Array.from({ length: n }, (_, i) => `退货政策第${i}条`);

function expectSameDirection(actual: Float32Array | undefined, raw: Float32Array): void {
  expect(actual).toBeDefined();
  const n = norm(raw);
  for (const [i, x] of raw.entries()) expect(actual?.[i]).toBeCloseTo(x / n, 5);
}

describe('OpenAIEmbedder', () => {
  test('130 texts go out in 3 batches of at most 64, and come back in input order', async () => {
    const e = embedder();
    const input = texts(130);
    const vectors = await e.embed(input);
    expect(fake.embeddings.requests.map((r) => r.body.input.length)).toEqual([64, 64, 2]);
    expect(vectors).toHaveLength(130);
    // The fake answers each batch in reverse order; the embedder sorts by index.
    expectSameDirection(vectors[0], fakeVector(input[0] ?? '', 8));
    expectSameDirection(vectors[129], fakeVector(input[129] ?? '', 8));
  });

  test('by default the SDK asks for base64; float32 vectors are decoded and L2-normalised', async () => {
    const vectors = await embedder().embed(['你好', 'hello']);
    expect(fake.embeddings.requests[0]?.body.encoding_format).toBe('base64');
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expectSameDirection(vectors[0], fakeVector('你好', 8));
  });

  test("encodingFormat 'float' asks for numbers and handles them the same", async () => {
    const vectors = await embedder({ encodingFormat: 'float' }).embed(['你好']);
    expect(fake.embeddings.requests[0]?.body.encoding_format).toBe('float');
    expectSameDirection(vectors[0], fakeVector('你好', 8));
  });

  test('learns the dimension and id from the first answer; create() probes once when unknown', async () => {
    const e = embedder();
    expect(e.dimension).toBe(0);
    await e.embed(['a']);
    expect(e.dimension).toBe(8);
    expect(e.id).toBe('openai:fake-embed:8');
    fake.embeddings.otherwise = { kind: 'vectors', dimension: 12 };
    const created = await OpenAIEmbedder.create({
      client: createOpenAIClient({ apiKey: 'k', baseURL: fake.baseURL, timeoutMs: 5000, maxRetries: 0 }),
      model: 'm2',
      timeoutMs: 5000,
    });
    expect(created.dimension).toBe(12);
    expect(created.id).toBe('openai:m2:12');
  });

  test('a configured dimension is requested and known before any request; well-known models need no probe', async () => {
    const e = embedder({ dimensions: 16 });
    expect(e.id).toBe('openai:fake-embed:16');
    await e.embed(['a']);
    expect(fake.embeddings.requests[0]?.body.dimensions).toBe(16);
    const known = await OpenAIEmbedder.create({
      client: createOpenAIClient({ apiKey: 'k', baseURL: fake.baseURL, timeoutMs: 1000, maxRetries: 0 }),
      model: 'text-embedding-3-small',
      timeoutMs: 1000,
    });
    expect(known.id).toBe('openai:text-embedding-3-small:1536');
    expect(fake.embeddings.requests).toHaveLength(1);
  });

  test('a vector of another size is an error, not a silently mixed index', async () => {
    const e = embedder({ dimensions: 16 });
    fake.embeddings.enqueue({ kind: 'vectors', dimension: 8 });
    await expect(e.embed(['a'])).rejects.toThrow(/8 dimensions, expected 16/);
  });

  test('retries 429 and 500 through the SDK', async () => {
    fake.embeddings.enqueue(
      { kind: 'status', status: 429, headers: { 'retry-after-ms': '10' } },
      { kind: 'status', status: 500, headers: { 'retry-after-ms': '10' } },
    );
    const vectors = await embedder().embed(['a', 'b']);
    expect(vectors).toHaveLength(2);
    expect(fake.embeddings.requests).toHaveLength(3);
  });

  test('a batch that keeps failing throws an AppError naming the reason', async () => {
    fake.embeddings.otherwise = { kind: 'status', status: 503, headers: { 'retry-after-ms': '10' } };
    const error = await embedder()
      .embed(['a'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/http_error/);
  });

  test('a hung request is cut at the timeout', async () => {
    fake.embeddings.enqueue({ kind: 'delay', ms: 5000 });
    const started = performance.now();
    await expect(embedder({ timeoutMs: 200 }).embed(['a'])).rejects.toThrow(/timeout/);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  test("a search's query is cut at queryTimeoutMs; ingest (one text or a batch) and the dimension probe keep timeoutMs", async () => {
    const e = embedder({ dimensions: 8, timeoutMs: 5000, queryTimeoutMs: 200 });
    fake.embeddings.enqueue({ kind: 'delay', ms: 5000 });
    const started = performance.now();
    await expect(e.embedQuery('退款多久到账')).rejects.toThrow(/timeout/);
    expect(performance.now() - started).toBeLessThan(1500);

    fake.embeddings.enqueue({ kind: 'delay', ms: 600 });
    expect(await e.embed(['a', 'b'])).toHaveLength(2);
    fake.embeddings.enqueue({ kind: 'delay', ms: 600 });
    expect(await e.embed(['one entry'])).toHaveLength(1);
    fake.embeddings.enqueue({ kind: 'delay', ms: 600 });
    const probed = await OpenAIEmbedder.create({
      client: createOpenAIClient({ apiKey: 'k', baseURL: fake.baseURL, timeoutMs: 5000, maxRetries: 0 }),
      model: 'm2',
      timeoutMs: 5000,
      queryTimeoutMs: 200,
    });
    expect(probed.dimension).toBe(8);
  });

  test('the wired embedder bounds a query by LLM_TIMEOUT_MS, not by EMBEDDING_TIMEOUT_MS (meant for ingest batches)', async () => {
    const llm = createLlmServices(
      {
        apiKey: 'test-key',
        baseURL: fake.baseURL,
        triageModel: 'fake-chat',
        replyModel: 'fake-chat',
        embeddingModel: 'fake-embed',
        embeddingDimensions: 8,
        timeoutMs: 300,
        embeddingTimeoutMs: 30_000,
        maxRetries: 2,
        responseFormat: 'json_schema',
      },
      { fallback: { classify: () => Promise.reject(new Error('not used')) } },
    );
    const e = await llm.createEmbedder();
    fake.embeddings.otherwise = { kind: 'delay', ms: 30_000 };
    const started = performance.now();
    await expect((e.embedQuery as (t: string) => Promise<Float32Array>)('退款多久到账')).rejects.toThrow(AppError);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  test('masks personal data and replaces empty texts before sending', async () => {
    await embedder().embed(['电话13812345678，地址苏州工业园区星湖街328号', '']);
    expect(fake.embeddings.requests[0]?.body.input).toEqual(['电话138****5678，地址[地址]', ' ']);
  });

  test('no texts, no request', async () => {
    expect(await embedder().embed([])).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });
});

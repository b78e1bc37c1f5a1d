import type OpenAI from 'openai';
import { AppError } from '../../core/errors.js';
import { maskForLlm } from '../../core/pii.js';
import type { Embedder } from '../ports.js';
import { withDeadline } from './deadline.js';
import { describeLlmFailure } from './failure.js';

/** Vector sizes of well-known models, so `id` and `dimension` are right before the first request. */
const KNOWN_DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

export interface OpenAIEmbedderOptions {
  client: OpenAI;
  model: string;
  /** Requested vector size (text-embedding-3 can shorten vectors). Unset: the model's own, learned from the first answer. */
  dimensions?: number | undefined;
  /** Texts per request; OpenAI accepts up to 2048, smaller batches keep one failure cheap. */
  batchSize?: number | undefined;
  /** Bound per request, the SDK's retries included. */
  timeoutMs: number;
  /**
   * Bound for a search's query (`embedQuery`, see HybridRetriever.search): someone waits on it (an
   * auto-answer, a suggestion), so it fails fast and the caller falls back, where `timeoutMs` is sized for
   * ingest (a one-text ingest too: a local server may still be loading its model). Unset: `timeoutMs`.
   */
  queryTimeoutMs?: number | undefined;
  /**
   * Unset: the SDK asks for base64 and decodes it (a third of the JSON size). 'float' for servers that
   * reject base64; either way a vector may come back as numbers or base64, and both are accepted.
   */
  encodingFormat?: 'float' | 'base64' | undefined;
  /** Applied to every text before it leaves the process; defaults to masking personal data. */
  mask?: ((text: string) => string) | undefined;
}

/** Decodes a base64 string of little-endian float32 values, the wire format of `encoding_format: 'base64'`. */
export function decodeBase64Float32(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.byteLength % 4 !== 0) throw new Error(`base64 embedding is ${bytes.byteLength} bytes, not a multiple of 4`);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] = (vector[i] ?? 0) / norm;
  return vector;
}

function toVector(embedding: unknown): Float32Array {
  if (typeof embedding === 'string') return decodeBase64Float32(embedding);
  if (embedding instanceof Float32Array) return Float32Array.from(embedding);
  if (Array.isArray(embedding) && embedding.every((v) => typeof v === 'number')) return Float32Array.from(embedding);
  throw new Error('embedding is neither a number array nor base64');
}

/**
 * Embeddings from an OpenAI-compatible endpoint, batched and L2-normalised. Throws an AppError when a batch
 * fails after the SDK's retries: unlike triage there is no answer to fall back to here, the caller decides.
 */
export class OpenAIEmbedder implements Embedder {
  private learnedDimension: number;

  constructor(private readonly options: OpenAIEmbedderOptions) {
    this.learnedDimension = options.dimensions ?? KNOWN_DIMENSIONS[options.model] ?? 0;
  }

  /** An embedder whose dimension is known: asks the endpoint once when neither configured nor well known. */
  static async create(options: OpenAIEmbedderOptions): Promise<OpenAIEmbedder> {
    const embedder = new OpenAIEmbedder(options);
    // The batch bound: this runs once at start, when a local server may still be loading its model.
    if (embedder.dimension === 0) await embedder.embedBatch(['dimension probe'], options.timeoutMs);
    return embedder;
  }

  /** 0 until learned (see `create`). */
  get dimension(): number {
    return this.learnedDimension;
  }

  get id(): string {
    return `openai:${this.options.model}:${this.learnedDimension}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const size = Math.max(1, this.options.batchSize ?? 64);
    const out: Float32Array[] = [];
    // Sequential batches: simple back-pressure against rate limits; ingestion is offline anyway.
    for (let start = 0; start < texts.length; start += size) out.push(...(await this.embedBatch(texts.slice(start, start + size), this.options.timeoutMs)));
    return out;
  }

  /** A search's query: bounded by `queryTimeoutMs` (someone waits on it), where ingest batches of any size keep `timeoutMs`. */
  async embedQuery(text: string): Promise<Float32Array> {
    const [vector] = await this.embedBatch([text], this.options.queryTimeoutMs ?? this.options.timeoutMs);
    if (!vector) throw new AppError('INTERNAL', { message: 'Embedding endpoint returned no vector for the query' });
    return vector;
  }

  private async embedBatch(texts: string[], timeoutMs: number): Promise<Float32Array[]> {
    const mask = this.options.mask ?? maskForLlm;
    // Most endpoints reject an empty input string.
    const input = texts.map((t) => mask(t).trim() || ' ');
    const { client, model, dimensions, encodingFormat } = this.options;
    let data: { index: number; embedding: unknown }[];
    try {
      const response = await withDeadline(timeoutMs, (signal) =>
        client.embeddings.create(
          {
            model,
            input,
            ...(dimensions === undefined ? {} : { dimensions }),
            ...(encodingFormat === undefined ? {} : { encoding_format: encodingFormat }),
          },
          // The client's per-attempt timeout is the chat budget; embeddings get their own.
          { signal, timeout: timeoutMs },
        ),
      );
      data = response.data;
    } catch (cause) {
      const failure = describeLlmFailure(cause);
      throw new AppError('INTERNAL', { message: `Embedding request failed (${failure.reason}): ${failure.message}`, cause, details: failure });
    }
    if (data.length !== input.length) {
      throw new AppError('INTERNAL', { message: `Embedding endpoint returned ${data.length} vectors for ${input.length} texts` });
    }
    const vectors = [...data].sort((a, b) => a.index - b.index).map((d) => l2Normalize(toVector(d.embedding)));
    for (const v of vectors) {
      if (this.learnedDimension === 0) this.learnedDimension = v.length;
      // Mixing sizes would corrupt the index silently; a changed model or setting must rebuild it instead.
      if (v.length !== this.learnedDimension) {
        throw new AppError('INTERNAL', { message: `Embedding has ${v.length} dimensions, expected ${this.learnedDimension} (${this.id})` });
      }
    }
    return vectors;
  }
}

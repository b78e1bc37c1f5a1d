import type OpenAI from 'openai';
import type { Classifier } from '../../core/ports.js';
import { createOpenAIClient } from './client.js';
import { createReplyDrafter, type DraftedReply, type DraftReplyInput } from './draft-reply.js';
import type { LlmFailure } from './failure.js';
import { LlmClassifier, type LlmClassifierOptions, type TriageOutcome } from './llm-classifier.js';
import { OpenAIEmbedder } from './openai-embedder.js';
import type { LlmSettings } from './settings.js';

export { createOpenAIClient } from './client.js';
export { type DraftedReply, type DraftReplyInput, type DraftReplyOptions, draftReply, type ReplyPassage } from './draft-reply.js';
export { describeLlmFailure, type LlmFailure, type LlmFailureReason } from './failure.js';
export { LlmClassifier, type LlmClassifierOptions, type TriageOutcome } from './llm-classifier.js';
export { OpenAIEmbedder, type OpenAIEmbedderOptions } from './openai-embedder.js';
export { type LlmSettings, parseLlmSettings } from './settings.js';

export interface LlmServices {
  client: OpenAI;
  /** Triage by the LLM, answering with `fallback` whenever the LLM cannot. */
  classifier: LlmClassifier;
  /** Drafts a grounded reply; null when it cannot (show the FAQ answers instead). */
  draftReply(input: DraftReplyInput): Promise<DraftedReply | null>;
  /** An embedder with its dimension known (may ask the endpoint once). Throws when the endpoint is unreachable. */
  createEmbedder(): Promise<OpenAIEmbedder>;
}

/** Wires the LLM features from parsed settings; for the composition root. */
export function createLlmServices(
  settings: LlmSettings,
  deps: {
    fallback: Classifier;
    /** Rules-only priority: the LLM may never answer less urgent than this (prompt-injection defence). */
    priorityFloor?: LlmClassifierOptions['priorityFloor'];
    orderPatterns?: LlmClassifierOptions['orderPatterns'];
    onTriage?: (outcome: TriageOutcome) => void;
    onReplyFailure?: (failure: LlmFailure) => void;
  },
): LlmServices {
  const client = createOpenAIClient(settings);
  const { timeoutMs, responseFormat } = settings;
  return {
    client,
    classifier: new LlmClassifier({
      client,
      model: settings.triageModel,
      fallback: deps.fallback,
      timeoutMs,
      responseFormat,
      onResult: deps.onTriage,
      ...(deps.priorityFloor ? { priorityFloor: deps.priorityFloor } : {}),
      ...(deps.orderPatterns ? { orderPatterns: deps.orderPatterns } : {}),
    }),
    draftReply: createReplyDrafter({ client, model: settings.replyModel, timeoutMs, responseFormat, onFailure: deps.onReplyFailure }),
    createEmbedder: () =>
      OpenAIEmbedder.create({
        client,
        model: settings.embeddingModel,
        dimensions: settings.embeddingDimensions,
        timeoutMs: settings.embeddingTimeoutMs,
        // A search's query embedding holds up an auto-answer or a suggestion: it gets the deadline of any
        // other LLM call (LLM_TIMEOUT_MS), not the one sized for ingest batches (EMBEDDING_TIMEOUT_MS).
        queryTimeoutMs: Math.min(timeoutMs, settings.embeddingTimeoutMs),
      }),
  };
}

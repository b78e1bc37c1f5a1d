import type OpenAI from 'openai';
import { maskForLlm } from '../../core/pii.js';
import { buildSuggestReplyPrompt, type ReplyPassage, SUGGEST_REPLY_SCHEMA_NAME, ZSuggestedReply } from '../../prompts/suggest-reply/index.js';
import { withDeadline } from './deadline.js';
import { describeLlmFailure, type LlmFailure, LlmOutputError } from './failure.js';
import { completeStructured, type ResponseFormatMode } from './structured-output.js';

export type { ReplyPassage };

export interface DraftReplyInput {
  ticketText: string;
  language: 'zh' | 'en';
  passages: ReplyPassage[];
}

export interface DraftedReply {
  reply: string;
  /** Ids of given passages the reply relies on; never an id that was not given. */
  citations: string[];
}

export interface DraftReplyOptions {
  client: OpenAI;
  model: string;
  /** Bound for the whole call, the SDK's retries included. */
  timeoutMs: number;
  responseFormat?: ResponseFormatMode | undefined;
  temperature?: number | undefined;
  /** Called when no draft could be made, with the reason. Must not throw. */
  onFailure?: ((failure: LlmFailure) => void) | undefined;
}

/**
 * Drafts a customer reply grounded in knowledge passages, for an agent to review. Returns null on any
 * failure; the caller then shows the FAQ answers themselves.
 */
export async function draftReply(input: DraftReplyInput, options: DraftReplyOptions): Promise<DraftedReply | null> {
  try {
    const answer = await withDeadline(options.timeoutMs, (signal) =>
      completeStructured({
        client: options.client,
        model: options.model,
        messages: buildSuggestReplyPrompt({ ticketText: maskForLlm(input.ticketText), language: input.language, passages: input.passages }),
        schema: ZSuggestedReply,
        name: SUGGEST_REPLY_SCHEMA_NAME,
        mode: options.responseFormat ?? 'json_schema',
        signal,
        temperature: options.temperature,
      }),
    );
    const reply = answer.reply.trim();
    if (!reply) throw new LlmOutputError('empty', 'model returned an empty reply');
    const given = new Set(input.passages.map((p) => p.id));
    const citations = [...new Set(answer.citations.map((c) => c.trim().replace(/^\[(.*)\]$/, '$1')))].filter((c) => given.has(c));
    return { reply, citations };
  } catch (error) {
    try {
      options.onFailure?.(describeLlmFailure(error));
    } catch {
      // A failing log hook must not turn "no draft" into an error.
    }
    return null;
  }
}

/** `draftReply` with its options bound, for wiring into the reply-suggestion service. */
export function createReplyDrafter(options: DraftReplyOptions): (input: DraftReplyInput) => Promise<DraftedReply | null> {
  return (input) => draftReply(input, options);
}

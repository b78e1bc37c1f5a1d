/** Reply drafting: prompt and output schema. Run by knowledge/llm/draft-reply.ts. */
export { buildSuggestReplyPrompt, REPLY_PASSAGE_TAG, REPLY_TICKET_TAG, type ReplyPassage, type SuggestReplyPromptInput } from './prompt.js';
export { type SuggestedReply, ZSuggestedReply } from './schema.js';

/** Name of the structured-output schema as the model sees it. */
export const SUGGEST_REPLY_SCHEMA_NAME = 'suggested_reply';

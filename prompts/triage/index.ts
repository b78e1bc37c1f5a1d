/** Ticket triage: prompt and output schema. Run by knowledge/llm/llm-classifier.ts. */
export { buildTriagePrompt, TRIAGE_DATA_TAG, type TriagePromptCategory, type TriagePromptInput, type TriagePromptPriority } from './prompt.js';
export { type LlmTriage, makeTriageSchema, type TriageSchema } from './schema.js';

/** Name of the structured-output schema as the model sees it. */
export const TRIAGE_SCHEMA_NAME = 'ticket_triage';

import { z } from 'zod';

const PRIORITY_IDS = ['P1', 'P2', 'P3', 'P4'] as const;
const SENTIMENT_IDS = ['negative', 'neutral', 'positive'] as const;

/**
 * The triage answer the model must produce. Categories come from the shop's config, so the schema is built
 * per config: the enum goes into the JSON schema sent with the request (providers with structured outputs
 * cannot emit anything else) and into the validation of the answer (for those that ignore it).
 */
export function makeTriageSchema(categoryIds: readonly string[]) {
  const [first, ...rest] = categoryIds;
  if (first === undefined) throw new Error('makeTriageSchema needs at least one category id');
  // Not .strict(): the JSON schema already forbids extra keys; a lenient provider's extra key is dropped, not fatal.
  return z.object({
    language: z.enum(['zh', 'en']).describe('Language the customer wrote in: zh for Chinese, en for English.'),
    category: z.enum([first, ...rest]).describe('Id of the one configured category that fits the message best.'),
    priority: z.enum(PRIORITY_IDS).describe('P1 critical, P2 high, P3 normal, P4 low, following the priority rules.'),
    sentiment: z.enum(SENTIMENT_IDS).describe("The customer's mood."),
    orderIds: z.array(z.string()).describe('Order numbers exactly as written in the message, without guessing or completing them; [] when there are none.'),
    title: z.string().describe('A short ticket title in the language of the message, at most 30 Chinese characters or 60 English characters.'),
    confidence: z.number().min(0).max(1).describe('How sure you are of the category, from 0 to 1.'),
  });
}

export type TriageSchema = ReturnType<typeof makeTriageSchema>;
export type LlmTriage = z.infer<TriageSchema>;

import { z } from 'zod';

/**
 * The drafted reply. Citations are plain strings rather than an enum of the given ids: a provider that
 * ignores the schema and cites a made-up id then loses that citation (filtered by the caller), not the draft.
 */
export const ZSuggestedReply = z.object({
  reply: z.string().describe('The reply to send to the customer, in the requested language, based only on the knowledge passages; polite and concise.'),
  citations: z.array(z.string()).describe('Ids of the knowledge passages the reply relies on, e.g. ["faq-12"]; [] when none was used.'),
});

export type SuggestedReply = z.infer<typeof ZSuggestedReply>;

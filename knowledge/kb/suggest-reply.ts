import type { ReplySuggester, ReplySuggestion, SuggestionSource } from '../../core/ports.js';
import type { DraftedReply, DraftReplyInput } from '../llm/index.js';
import type { KnowledgeBase } from './knowledge-base.js';

/** Below this retrieval score a passage is not worth showing an agent. */
const MIN_SOURCE_SCORE = 0.05;

/**
 * Reply suggestions from the knowledge base: with an LLM, a draft that cites the retrieved passages;
 * without one (or when it fails), the best-matching FAQ answer as it is, with its sources.
 */
export class KbReplySuggester implements ReplySuggester {
  constructor(
    private readonly kb: KnowledgeBase,
    private readonly draft: ((input: DraftReplyInput) => Promise<DraftedReply | null>) | null,
    private readonly k = 3,
  ) {}

  async suggest(input: { text: string; language: 'zh' | 'en' }): Promise<ReplySuggestion> {
    const hits = await this.kb.search(input.text, this.k);
    const sources: SuggestionSource[] = hits
      .filter((h) => h.score >= MIN_SOURCE_SCORE || h === hits[0])
      .map((h) => ({ id: h.id, title: h.document.title, answer: h.document.answer, source: h.document.source, score: h.score }));
    if (!sources.length) return { reply: null, drafted: false, sources };
    if (this.draft) {
      const drafted = await this.draft({
        ticketText: input.text,
        language: input.language,
        passages: sources.map((s) => ({ id: s.id, title: s.title, text: s.answer, source: s.source })),
      });
      if (drafted) {
        const cited = new Set(drafted.citations);
        return { reply: drafted.reply, drafted: true, sources: sources.filter((s) => cited.has(s.id)) };
      }
    }
    return { reply: sources[0]?.answer || null, drafted: false, sources };
  }
}

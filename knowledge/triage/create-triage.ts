import type { AppConfig } from '../../core/config.js';
import type { Classifier, KnowledgeStore } from '../../core/ports.js';
import type { TicketChanged } from '../../core/tickets/deps.js';
import type { LlmServices, LlmSettings, TriageOutcome } from '../llm/index.js';
import { CorrectionFeed } from './correction-feed.js';
import { LocalClassifier } from './local-classifier.js';
import { orderPatternsFor } from './order-ids.js';
import { priorityFloor } from './priority.js';
import { detectSignals } from './signals.js';

export interface Triage {
  /** What intake calls: the LLM when configured (falling back to `local`), else `local`. */
  classifier: Classifier;
  local: LocalClassifier;
  llm: LlmServices | null;
  /** Agents' corrections: recorded here, and caught up from other processes (`catchUp`). */
  corrections: CorrectionFeed;
}

/**
 * Builds triage for the app: the local model trained from the config's example utterances and every
 * stored agent correction, wrapped by the LLM classifier when an OpenAI-compatible endpoint is set.
 */
export async function createTriage(opts: {
  config: AppConfig;
  knowledge: KnowledgeStore;
  llm: LlmSettings | null;
  onTriage?: (outcome: TriageOutcome) => void;
}): Promise<Triage> {
  const local = LocalClassifier.train(opts.config);
  const corrections = new CorrectionFeed(opts.knowledge, local, new Set(opts.config.categories.map((c) => c.id)));
  await corrections.catchUp();
  if (!opts.llm) return { classifier: local, local, llm: null, corrections };
  // Loaded only when an endpoint is configured: the SDK adds ~0.2 s to every start.
  const { createLlmServices } = await import('../llm/index.js');
  const llm = createLlmServices(opts.llm, {
    fallback: local,
    priorityFloor: (text, { customerTier }) => priorityFloor(detectSignals(text), customerTier),
    orderPatterns: orderPatternsFor(opts.config),
    ...(opts.onTriage ? { onTriage: opts.onTriage } : {}),
  });
  return { classifier: llm.classifier, local, llm, corrections };
}

/**
 * Turns an agent's category or priority change into training data: stored (so a restart keeps it)
 * and applied to the running model at once. Automatic changes (system) and customers never teach.
 */
export function learnFromCorrections(opts: { corrections: CorrectionFeed; onError: (error: unknown) => void }) {
  return (change: TicketChanged): Promise<void> | undefined => {
    if (change.action !== 'set_category' && change.action !== 'set_priority') return undefined;
    if (change.actor.role === 'system' || change.actor.role === 'customer') return undefined;
    const { ticket } = change;
    const label = change.action === 'set_category' ? { category: ticket.category } : { priority: ticket.priority };
    return opts.corrections
      .record({
        ticketId: ticket.id,
        text: ticket.description,
        category: label.category ?? null,
        priority: label.priority ?? null,
        actorId: change.actor.agentId ?? null,
      })
      .catch(opts.onError);
  };
}

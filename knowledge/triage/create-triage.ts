import type { AppConfig } from '../../core/config.js';
import type { Classifier, KnowledgeStore } from '../../core/ports.js';
import type { TicketChanged } from '../../core/tickets/deps.js';
import type { LlmServices, LlmSettings, TriageOutcome } from '../llm/index.js';
import { LocalClassifier } from './local-classifier.js';
import { orderPatternsFor } from './order-ids.js';
import { priorityFloor } from './priority.js';
import { detectSignals } from './signals.js';

export interface Triage {
  /** What intake calls: the LLM when configured (falling back to `local`), else `local`. */
  classifier: Classifier;
  local: LocalClassifier;
  llm: LlmServices | null;
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
  const known = new Set(opts.config.categories.map((c) => c.id));
  for (const c of await opts.knowledge.listCorrections()) {
    // A correction to a category since removed from the config no longer teaches anything.
    const category = c.category !== null && known.has(c.category) ? c.category : undefined;
    if (category || c.priority) local.correct({ text: c.text, ...(category ? { category } : {}), ...(c.priority ? { priority: c.priority } : {}) });
  }
  if (!opts.llm) return { classifier: local, local, llm: null };
  // Loaded only when an endpoint is configured: the SDK adds ~0.2 s to every start.
  const { createLlmServices } = await import('../llm/index.js');
  const llm = createLlmServices(opts.llm, {
    fallback: local,
    priorityFloor: (text, { customerTier }) => priorityFloor(detectSignals(text), customerTier),
    orderPatterns: orderPatternsFor(opts.config),
    ...(opts.onTriage ? { onTriage: opts.onTriage } : {}),
  });
  return { classifier: llm.classifier, local, llm };
}

/**
 * Turns an agent's category or priority change into training data: stored (so a restart keeps it)
 * and applied to the running model at once. Automatic changes (system) and customers never teach.
 */
export function learnFromCorrections(opts: { knowledge: KnowledgeStore; local: LocalClassifier; onError: (error: unknown) => void }) {
  return (change: TicketChanged): Promise<void> | undefined => {
    if (change.action !== 'set_category' && change.action !== 'set_priority') return undefined;
    if (change.actor.role === 'system' || change.actor.role === 'customer') return undefined;
    const { ticket } = change;
    const label = change.action === 'set_category' ? { category: ticket.category } : { priority: ticket.priority };
    return opts.knowledge
      .addCorrection({
        ticketId: ticket.id,
        text: ticket.description,
        category: label.category ?? null,
        priority: label.priority ?? null,
        actorId: change.actor.agentId ?? null,
      })
      .then(() => opts.local.correct({ text: ticket.description, ...label }))
      .catch(opts.onError);
  };
}

/**
 * Events API deliveries already taken, by `event_id`, for the listeners whose work is not idempotent by
 * itself (a command by mention: "resolve" twice would answer the redelivery with an error). Slack
 * redelivers within minutes (after 0 s, 1 min and 5 min), so ids are kept for an hour, at most `max`.
 * In memory: a redelivery that reaches another process runs there (tickets themselves are deduplicated
 * in the database, by message id).
 */
export class SeenEvents {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60 * 60_000,
    private readonly max = 10_000,
  ) {}

  /** True the first time an id is offered (within the TTL); an empty id is always new. */
  first(eventId: string, now = Date.now()): boolean {
    if (!eventId) return true;
    const at = this.seen.get(eventId);
    if (at !== undefined && now - at < this.ttlMs) return false;
    this.seen.delete(eventId);
    this.seen.set(eventId, now);
    // Insertion order is age order: drop the oldest beyond the TTL or the cap.
    for (const [id, t] of this.seen) {
      if (this.seen.size <= this.max && now - t < this.ttlMs) break;
      this.seen.delete(id);
    }
    return true;
  }
}

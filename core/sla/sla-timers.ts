import type { Scheduler } from '../jobs/scheduler.js';
import type { TicketChanged, TicketDeps } from '../tickets/deps.js';
import { backfillSla } from './backfill.js';
import { checkSla } from './check-sla.js';
import { retargetOnPolicyChange } from './retarget.js';

const PREFIX = 'sla:';
/** Overdue tickets fired at once by the sweep and at start. */
export const SLA_FIRE_CONCURRENCY = 4;
/** Bounds the catch-up at start when stages keep falling due as fast as they are fired. */
const MAX_CATCH_UP_ROUNDS = 10;

export interface SlaTimersOptions {
  /** How often to look for stages whose wake-up went missing (default 60 s; 0 = never). */
  sweepEveryMs?: number | undefined;
  onError?: ((error: unknown, context: string) => void) | undefined;
}

/**
 * Keeps the scheduler in step with the deadlines stored on tickets. The database is the truth: every
 * committed change re-arms the ticket's one wake-up at its next stage; a wake-up re-reads the ticket
 * and fires what is due (checkSla is idempotent); `reconcile` re-arms every ticket and fires what was
 * missed while the process was down or Redis was flushed; a periodic sweep catches anything overdue.
 */
export class SlaTimers {
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping: Promise<void> | null = null;
  private readonly armedVersion = new Map<number, number>();
  /** While start() fires what was missed, before the scheduler runs: wake-ups are not armed (reconcile arms them all next). */
  private catchingUp = false;
  private caughtUp: Promise<number> | null = null;
  private started = false;
  /**
   * A wake-up could not be armed (the scheduler's Redis was away): the next sweep also re-arms every
   * ticket (armAll), so the timers are whole again once Redis is back.
   */
  private armFailed = false;

  constructor(
    private readonly deps: TicketDeps,
    private readonly scheduler: Scheduler,
    private readonly opts: SlaTimersOptions = {},
  ) {}

  static key(ticketId: number): string {
    return `${PREFIX}${ticketId}`;
  }

  /**
   * Fires, from the database alone, every stage that fell due while no process ran, round after round
   * until nothing more is due (at most MAX_CATCH_UP_ROUNDS), then gives SLA clocks to tickets that
   * lack them and applies a changed policy. Nothing is armed meanwhile: start() arms every ticket once
   * the scheduler runs. Runs once; start() runs it if it was not called first. Returns how many fired.
   */
  catchUp(): Promise<number> {
    this.caughtUp ??= this.runCatchUp();
    return this.caughtUp;
  }

  /** Fires what was missed (catchUp), starts receiving wake-ups, re-arms every open ticket, and starts the sweep. */
  async start(): Promise<{ fired: number; armed: number }> {
    if (this.started) throw new Error('SLA timers already started');
    this.started = true;
    // What was missed first: reminders due while the bot was down go out before the scheduler loads and
    // connects (or while Redis is away); reconcile then arms every ticket from the database.
    const missed = await this.catchUp();
    await this.scheduler.start((key) => this.wake(key));
    try {
      const { fired, armed } = await this.reconcile();
      return { fired: missed + fired, armed };
    } catch (error) {
      // The scheduler cannot arm (Redis away): the bot runs on, the sweep fires what falls due from the
      // database and re-arms every ticket once the scheduler answers again.
      this.armFailed = true;
      this.opts.onError?.(error, 'sla: could not arm the wake-ups at start (the sweep covers until the scheduler answers)');
      return { fired: missed, armed: 0 };
    }
  }

  private async runCatchUp(): Promise<number> {
    this.startSweep();
    this.catchingUp = true;
    let missed = 0;
    try {
      // Again until nothing more fell due while the last round ran: a restarted process catches up from
      // the database rather than leave those to a scheduler that still has to load and connect.
      for (let round = 0; round < MAX_CATCH_UP_ROUNDS; round++) {
        const fired = await this.fireOverdue(this.deps.clock());
        missed += fired;
        if (!fired) break;
      }
      // Tickets from before SLA clocks existed get them now (reconcile then arms them with the rest).
      await backfillSla(this.deps);
      // A changed policy or calendar applies to open tickets' deadlines too.
      await retargetOnPolicyChange(this.deps);
    } finally {
      this.catchingUp = false;
    }
    return missed;
  }

  private startSweep(): void {
    const every = this.opts.sweepEveryMs ?? 60_000;
    if (every > 0 && !this.sweepTimer) {
      this.sweepTimer = setInterval(() => {
        this.sweeping ??= this.sweep()
          .then(() => undefined)
          .catch((error: unknown) => this.opts.onError?.(error, 'sla sweep'))
          .finally(() => {
            this.sweeping = null;
          });
      }, every);
      this.sweepTimer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.sweeping;
    await this.scheduler.stop();
  }

  /** TicketDeps.onChange observer: moves the ticket's wake-up to its next stage. */
  async onChange(change: TicketChanged): Promise<void> {
    // Observers of concurrent changes may finish out of order: an older version must not win.
    const { id, version } = change.ticket;
    if ((this.armedVersion.get(id) ?? -1) > version) return;
    this.noteArmed(id, version);
    await this.arm(id, change.ticket.sla.nextCheckAt);
  }

  private noteArmed(id: number, version: number): void {
    if (this.armedVersion.size > 100_000) this.armedVersion.clear();
    this.armedVersion.set(id, version);
  }

  private async arm(ticketId: number, at: Date | null): Promise<void> {
    if (this.catchingUp) return;
    try {
      if (at) await this.scheduler.schedule(SlaTimers.key(ticketId), at);
      else await this.scheduler.cancel(SlaTimers.key(ticketId));
    } catch (error) {
      this.armFailed = true;
      throw error;
    }
  }

  /** A wake-up: fire what is due and re-arm for the next stage (a stale wake-up just re-arms). */
  async wake(key: string): Promise<void> {
    if (!key.startsWith(PREFIX)) return;
    const id = Number(key.slice(PREFIX.length));
    if (Number.isSafeInteger(id)) await this.check(id);
  }

  /** Fires what is due on the ticket and re-arms it; returns its next check time (null: none, or gone). */
  private async check(id: number): Promise<Date | null> {
    const ticket = await checkSla(this.deps, id);
    // Re-armed here even though onChange may have done it: the scheduler that woke us must hold the next
    // wake-up itself (onChange may be wired to another SlaTimers, or have failed), and one key is one timer.
    const next = ticket?.sla.nextCheckAt ?? null;
    // A change newer than what this check read has armed the ticket meanwhile (an agent reopened it while
    // the check closed it, say): arming from the older read would move or cancel that wake-up.
    if (ticket && (this.armedVersion.get(id) ?? -1) > ticket.version) return next;
    if (ticket) this.noteArmed(id, ticket.version);
    // What was due has fired; a wake-up that cannot be armed is the sweep's to cover (armFailed).
    await this.arm(id, next).catch((error: unknown) => this.armError(error));
    return next;
  }

  private armErrorAt = Number.NEGATIVE_INFINITY;
  /** Reported at most once a minute: while Redis is away every check fails to arm. */
  private armError(error: unknown): void {
    if (performance.now() - this.armErrorAt < 60_000) return;
    this.armErrorAt = performance.now();
    this.opts.onError?.(error, 'sla: could not arm a wake-up (the sweep fires it from the database, and re-arms every ticket once the scheduler answers)');
  }

  /** Fires every stage that is already due, then re-arms the wake-up of every ticket that has one. */
  async reconcile(): Promise<{ fired: number; armed: number }> {
    const fired = await this.fireOverdue(this.deps.clock());
    return { fired, armed: await this.armAll() };
  }

  /** Arms the wake-up of every ticket that has one; returns how many. */
  private async armAll(): Promise<number> {
    let armed = 0;
    for (let after = 0; ; ) {
      const page = await this.deps.tickets.listSlaTimers(after, 500);
      if (!page.length) break;
      for (let i = 0; i < page.length; i += 50) {
        await Promise.all(
          page.slice(i, i + 50).map(async (t) => {
            // A change newer than this read has armed the ticket meanwhile: its time stands.
            if ((this.armedVersion.get(t.id) ?? -1) > t.version) return;
            this.noteArmed(t.id, t.version);
            await this.scheduler.schedule(SlaTimers.key(t.id), t.nextCheckAt);
          }),
        );
      }
      armed += page.length;
      after = page.at(-1)?.id ?? after;
    }
    return armed;
  }

  /**
   * Fires stages overdue by more than a grace period (their wake-up is late or lost). After a wake-up
   * could not be armed, re-arms every ticket as well (armAll), once the scheduler answers again.
   */
  async sweep(graceMs = 5_000): Promise<number> {
    const fired = await this.fireOverdue(new Date(this.deps.clock().getTime() - graceMs));
    if (this.armFailed && this.started) {
      this.armFailed = false;
      await this.armAll().catch((error: unknown) => {
        this.armFailed = true;
        this.armError(error);
      });
    }
    return fired;
  }

  private async fireOverdue(until: Date): Promise<number> {
    let fired = 0;
    // Keyset paging: a ticket that stays due (its check keeps failing) cannot hide the ones after it.
    let after: { at: Date; id: number } | undefined;
    for (;;) {
      const due = await this.deps.tickets.listSlaDue(until, 200, after);
      const last = due.at(-1);
      if (!last) return fired;
      after = { at: last.nextCheckAt, id: last.id };
      // A few at a time: after a restart these are late already, and on PostgreSQL they overlap well.
      for (let i = 0; i < due.length; i += SLA_FIRE_CONCURRENCY) {
        await Promise.all(
          due.slice(i, i + SLA_FIRE_CONCURRENCY).map(async (ticket) => {
            try {
              // Counted when its next check moved: a ticket listed as due whose check found nothing to
              // fire (its stored time predates a policy change that retarget has yet to apply) is not.
              const next = await this.check(ticket.id);
              if (next?.getTime() !== ticket.nextCheckAt.getTime()) fired++;
            } catch (error) {
              this.opts.onError?.(error, `sla check of ticket ${ticket.id}`);
            }
          }),
        );
      }
    }
  }
}

// The notification outbox's claims are short leases, renewed while the batch is being delivered: a slow
// chat platform keeps its claim (nothing is sent twice), and what a dead process had claimed is free
// again after one lease, not half a minute.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { NotificationDispatcher } from '../../core/notify/dispatcher.js';
import type { ChatGateway, OutboundNotification } from '../../core/ports.js';
import { PrismaNotificationStore } from '../../core/store/notification-store.js';
import { makeCore, type TestCore } from '../helpers/core.js';
import { PROVIDERS } from '../helpers/databases.js';

/** Short for the test, with room for a loaded machine: renewed every 300 ms. */
const LEASE_MS = 900;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A platform that takes as long as the test says: each post waits until `release()`. */
class SlowGateway implements ChatGateway {
  readonly sent: number[] = [];
  readonly started: number[] = [];
  private open: Promise<void> = Promise.resolve();
  private opened: () => void = () => {};

  hold(): void {
    this.open = new Promise((resolve) => {
      this.opened = resolve;
    });
  }
  release(): void {
    this.opened();
  }
  async notify(n: OutboundNotification): Promise<void> {
    this.started.push(n.id);
    await this.open;
    this.sent.push(n.id);
  }
}

describe.each(PROVIDERS)('notification leases on $name', (provider) => {
  let core: TestCore;
  beforeEach(async () => {
    core = await makeCore(await provider.fresh());
  });
  afterEach(() => core.close());

  const dispatcher = (gateway: ChatGateway) =>
    new NotificationDispatcher({
      store: new PrismaNotificationStore(core.database.db),
      tickets: core.deps.tickets,
      directory: core.deps.directory,
      config: core.deps.config,
      gateway,
      clock: () => new Date(),
      leaseMs: LEASE_MS,
    });
  const queue = (n: number) =>
    core.database.db.notification.createMany({
      data: Array.from({ length: n }, (_, i) => ({
        dedupeKey: `lease-${i}`,
        kind: 'fr_breach',
        audience: 'team',
        destination: `thread:${i}`,
        payload: JSON.stringify({ key: 'notify.unreadable' }),
        nextAttemptAt: new Date(Date.now() - 1_000),
      })),
    });

  test('a delivery that outlasts several leases keeps its claim: another process sends nothing meanwhile, and each is sent once', async () => {
    await queue(3);
    const slow = new SlowGateway();
    slow.hold();
    const other = new SlowGateway();
    const running = dispatcher(slow).runOnce();
    while (!slow.started.length) await sleep(10);
    // Four leases long, the other process keeps trying.
    for (let i = 0; i < 8; i++) {
      expect(await dispatcher(other).runOnce()).toEqual({ sent: 0, deferred: 0, failed: 0 });
      await sleep(LEASE_MS / 2);
    }
    slow.release();
    expect(await running).toMatchObject({ sent: 3 });
    expect(other.sent).toEqual([]);
    expect(slow.sent).toHaveLength(3);
    expect(await core.database.db.notification.count({ where: { sentAt: null } })).toBe(0);
  });

  test('what a renewal finds claimed by someone else (the claim had lapsed) is not delivered by this process', async () => {
    await queue(3);
    const slow = new SlowGateway();
    slow.hold();
    const running = dispatcher(slow).runOnce();
    while (!slow.started.length) await sleep(10);
    const [, , last] = await core.database.db.notification.findMany({ orderBy: { id: 'asc' } });
    if (!last) throw new Error('queued 3');
    // As if this process had stalled past its lease and another had claimed the last one meanwhile.
    await core.database.db.notification.update({ where: { id: last.id }, data: { claimedUntil: new Date(Date.now() + 60_000) } });
    await sleep(LEASE_MS);
    slow.release();
    expect(await running).toMatchObject({ sent: 2 });
    expect(slow.sent).not.toContain(last.id);
    expect((await core.database.db.notification.findUniqueOrThrow({ where: { id: last.id } })).sentAt).toBeNull();
  });

  test('what a process claimed and then died holding is free again after one lease', async () => {
    await queue(2);
    const store = new PrismaNotificationStore(core.database.db);
    // Claimed by a process that is killed at once: nobody renews the claim.
    expect(await store.claimDue(new Date(), 20, LEASE_MS)).toHaveLength(2);
    const live = new SlowGateway();
    expect(await dispatcher(live).runOnce()).toMatchObject({ sent: 0 });
    await sleep(LEASE_MS + 50);
    expect(await dispatcher(live).runOnce()).toMatchObject({ sent: 2 });
    expect(live.sent).toHaveLength(2);
  });
});

import { afterEach, describe, expect, test } from 'vitest';
import { PROVIDERS } from '../helpers/databases.js';
import { agentClient, intakeBody, postMessage, startWebApp, type WebApp } from '../helpers/web.js';

// Routing and SLA over the agent API of the real app: auto-assignment at intake, duty on/off by
// command, and the SLA report.
describe.each(PROVIDERS)('routing and SLA over HTTP ($name)', (provider) => {
  let web: WebApp;
  afterEach(async () => {
    await web?.close();
  });

  test('a new return request is assigned to the on-duty after-sales agent; "duty off" / "上班" switch that', async () => {
    web = await startWebApp(await provider.fresh(), { autoAssign: true });
    const lin = agentClient(web.base, 'lin');
    const first = await postMessage(web.base, intakeBody({ messageId: 'w-1' }));
    expect(first.status).toBe(201);
    expect((await lin.ticket(first.body.ticket.number)).body.ticket).toMatchObject({ status: 'assigned', assigneeId: 'lin', teamId: 'after-sales' });

    const off = await lin.command('duty off');
    expect(off.status).toBe(200);
    expect(off.body.text).toMatch(/off duty/);
    const second = await postMessage(web.base, intakeBody({ messageId: 'w-2', customer: { id: 'cust-2' } }));
    expect((await lin.ticket(second.body.ticket.number)).body.ticket.assigneeId).toBeNull();

    // Back on duty: the waiting ticket is handed over at once.
    expect((await lin.command('上班')).body.text).toContain('已上班');
    expect((await lin.ticket(second.body.ticket.number)).body.ticket).toMatchObject({ status: 'assigned', assigneeId: 'lin' });
  });

  test('GET /api/agent/sla and the `sla` command report the clocks; a customer cannot use them', async () => {
    web = await startWebApp(await provider.fresh(), { autoAssign: true });
    await postMessage(web.base, intakeBody({ messageId: 'w-3' }));
    const li = agentClient(web.base, 'li', { lang: 'en' });
    const report = await li.get<{ breached: unknown[]; atRisk: unknown[] }>('/api/agent/sla');
    expect(report.status).toBe(200);
    // Just opened: nothing is at risk yet.
    expect(report.body).toEqual({ breached: [], atRisk: [] });
    const listed = await li.command('sla');
    expect(listed.status).toBe(200);
    expect(listed.body.text).toBe('No tickets at risk or breached.');
    const detail = (await li.ticket('T-000001')).body.ticket as unknown as { sla: { firstResponseDueAt: string | null; resolutionDueAt: string | null } };
    expect(detail.sla.firstResponseDueAt).not.toBeNull();
    expect(detail.sla.resolutionDueAt).not.toBeNull();
    expect(Date.parse(detail.sla.resolutionDueAt ?? '')).toBeGreaterThan(Date.parse(detail.sla.firstResponseDueAt ?? ''));
  });
});

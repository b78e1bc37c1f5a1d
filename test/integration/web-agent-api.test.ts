import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { TicketEventRecord } from '../../core/tickets/types.js';
import { PROVIDERS } from '../helpers/databases.js';
import { type AgentView, agentClient, type ErrorBody, http, intakeBody, postMessage, startWebApp, type WebApp } from '../helpers/web.js';

/*
 * The agent API over a real socket: bearer token + X-Agent-Id, the ticket actions, the ticket detail
 * with its event log, and the shared command grammar.
 */

const SEED = [
  { messageId: 'seed-1', text: '我买的外套有破洞，想退货退款', customer: { id: 'cust-1', name: '王芳' } },
  { messageId: 'seed-2', text: 'Where is my parcel? The tracking has not moved for a week.', customer: { id: 'cust-2', name: 'Alex' } },
  { messageId: 'seed-3', text: '衣服尺码偏小，想换大一号', customer: { id: 'cust-3', name: '李雷' } },
];

describe.each(PROVIDERS)('web agent API ($name)', (provider) => {
  let web: WebApp;

  beforeEach(async () => {
    web = await startWebApp(await provider.fresh());
    for (const seed of SEED) expect((await postMessage(web.base, intakeBody(seed))).status).toBe(201);
  });
  afterEach(async () => {
    await web.close();
  });

  const as = (agentId: string, lang?: string) => agentClient(web.base, agentId, lang ? { lang } : {});
  const events = (id: number): Promise<TicketEventRecord[]> => web.app.deps.tickets.listEvents(id);
  const actions = async (id: number) => (await events(id)).map((e) => e.action);

  describe('authentication', () => {
    const requests = [
      { method: 'GET', path: '/api/agent/tickets' },
      { method: 'GET', path: '/api/agent/tickets/T-000001' },
      { method: 'POST', path: '/api/agent/tickets/T-000001/claim' },
      { method: 'POST', path: '/api/agent/commands', json: { text: 'claim T-000001' } },
    ];

    test.each(requests)('$method $path: no or wrong bearer token is 401', async ({ method, path, json }) => {
      const attempts: Record<string, string>[] = [
        { 'x-agent-id': 'lin' },
        { authorization: 'Bearer wrong-token-0123456789', 'x-agent-id': 'lin' },
        { authorization: 'Bearer test-token', 'x-agent-id': 'lin' },
        { authorization: 'Bearer ', 'x-agent-id': 'lin' },
        { authorization: 'test-token-0123456789', 'x-agent-id': 'lin' },
        { authorization: `Basic ${Buffer.from('lin:test-token-0123456789').toString('base64')}`, 'x-agent-id': 'lin' },
      ];
      for (const headers of attempts) {
        const res = await http<ErrorBody>(web.base, method, path, json === undefined ? { headers } : { headers, json });
        expect(res.status, JSON.stringify(headers)).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
      expect(await actions(1)).toEqual(['create']);
    });

    test.each(requests)('$method $path: missing or unknown X-Agent-Id is 400 UNKNOWN_AGENT', async ({ method, path, json }) => {
      const auth = { authorization: 'Bearer test-token-0123456789' };
      const missing = await http<ErrorBody>(web.base, method, path, json === undefined ? { headers: auth } : { headers: auth, json });
      const unknown = await http<ErrorBody>(web.base, method, path, {
        headers: { ...auth, 'x-agent-id': 'ghost', 'accept-language': 'en' },
        ...(json === undefined ? {} : { json }),
      });

      expect(missing.status).toBe(400);
      expect(missing.body.error.code).toBe('UNKNOWN_AGENT');
      expect(unknown.status).toBe(400);
      expect(unknown.body.error).toMatchObject({ code: 'UNKNOWN_AGENT', message: 'No agent called "ghost".' });
      expect(await actions(1)).toEqual(['create']);
      expect((await web.app.deps.tickets.findTicket(1))?.assigneeId).toBeNull();
    });

    test('without TICKETBOT_API_TOKEN the agent API refuses everything with 403; the public side still works', async () => {
      const off = await startWebApp(await provider.fresh(), { apiToken: null });
      try {
        expect((await postMessage(off.base, intakeBody())).status).toBe(201);
        const client = agentClient(off.base, 'lin');
        const results = [
          await client.get('/api/agent/tickets'),
          await client.ticket('T-000001'),
          await client.act('T-000001', 'claim'),
          await client.command('claim T-000001'),
          await http<ErrorBody>(off.base, 'GET', '/api/agent/tickets'),
        ];
        for (const res of results) {
          expect(res.status).toBe(403);
          expect(res.body.error?.code).toBe('NOT_PERMITTED');
        }
        expect((await off.app.deps.tickets.findTicket(1))?.status).toBe('new');
        expect((await http(off.base, 'GET', '/api/tickets/T-000001')).status).toBe(200);
      } finally {
        await off.close();
      }
    });

    test('a token shorter than 16 characters stops the app from starting', async () => {
      await expect(startWebApp(await provider.fresh(), { apiToken: 'short' })).rejects.toThrow(/TICKETBOT_API_TOKEN/);
    });
  });

  describe('GET /api/agent/tickets', () => {
    test('lists open tickets with the staff view; scopes mine and team; limit', async () => {
      const all = await as('lin').get<{ tickets: AgentView[] }>('/api/agent/tickets');

      expect(all.status).toBe(200);
      expect(all.body.tickets.map((t) => t.number).sort()).toEqual(['T-000001', 'T-000002', 'T-000003']);
      // Staff see everything, the customer link and the full text included.
      expect(all.body.tickets.find((t) => t.number === 'T-000001')).toMatchObject({
        description: SEED[0]?.text,
        status: 'new',
        customerId: expect.any(Number),
      });

      expect((await as('lin').get<{ tickets: AgentView[] }>('/api/agent/tickets?scope=mine')).body.tickets).toEqual([]);
      await as('lin').act('T-000002', 'claim');
      const mine = await as('lin').get<{ tickets: AgentView[] }>('/api/agent/tickets?scope=mine');
      expect(mine.body.tickets.map((t) => t.number)).toEqual(['T-000002']);

      const zhouTeam = await as('zhou').get<{ tickets: AgentView[] }>('/api/agent/tickets?scope=team');
      const logistics = (await web.app.deps.tickets.listTickets({})).filter((t) => t.teamId === 'logistics').map((t) => t.number);
      expect(zhouTeam.body.tickets.map((t) => t.number).sort()).toEqual(logistics.sort());

      expect((await as('lin').get<{ tickets: AgentView[] }>('/api/agent/tickets?limit=1')).body.tickets).toHaveLength(1);
      // Paging: every open ticket once, in the list's order, with the total and where the next page starts.
      type Page = { tickets: AgentView[]; total: number; nextOffset?: number };
      const whole = (await as('lin').get<Page>('/api/agent/tickets?limit=200')).body;
      expect(whole.nextOffset).toBeUndefined();
      const paged: string[] = [];
      for (let offset: number | undefined = 0; offset !== undefined; ) {
        const page: Page = (await as('lin').get<Page>(`/api/agent/tickets?limit=1&offset=${offset}`)).body;
        expect(page.total).toBe(whole.total);
        paged.push(...page.tickets.map((t) => t.number));
        offset = page.nextOffset;
      }
      expect(paged).toEqual(whole.tickets.map((t) => t.number));
      expect(paged).toHaveLength(whole.total);
      expect((await as('lin').get('/api/agent/tickets?offset=-1')).status).toBe(400);
      // Past the end: an empty page, the same total, no next page.
      expect((await as('lin').get<Page>(`/api/agent/tickets?offset=${whole.total + 40}`)).body).toEqual({ tickets: [], total: whole.total });

      // Closed tickets leave the open list.
      await as('li').act('T-000003', 'close', { reason: 'spam' });
      const open = await as('lin').get<{ tickets: AgentView[] }>('/api/agent/tickets');
      expect(open.body.tickets.map((t) => t.number).sort()).toEqual(['T-000001', 'T-000002']);
    });

    test('a bad scope or limit is 400 naming the field', async () => {
      const scope = await as('lin').get('/api/agent/tickets?scope=everything');
      const limit = await as('lin').get('/api/agent/tickets?limit=0');

      expect(scope.status).toBe(400);
      expect(Object.keys(scope.body.error?.fields ?? {})).toEqual(['scope']);
      expect(limit.status).toBe(400);
      expect(Object.keys(limit.body.error?.fields ?? {})).toEqual(['limit']);
    });
  });

  describe('claiming', () => {
    test('lin claims; zhou is told lin has it (409); lin is told it is already hers; nothing else written', async () => {
      const claimed = await as('lin').act('T-000001', 'claim');
      expect(claimed.status).toBe(200);
      expect(claimed.body.ticket).toMatchObject({ number: 'T-000001', status: 'assigned', assigneeId: 'lin', assignedAt: expect.any(String) });

      const zh = await as('zhou').act('T-000001', 'claim');
      expect(zh.status).toBe(409);
      expect(zh.body.error).toMatchObject({ code: 'TICKET_ALREADY_CLAIMED', message: '工单 T-000001 已被 lin 认领。' });

      const en = await as('zhou', 'en').act('T-000001', 'claim');
      expect(en.status).toBe(409);
      expect(en.body.error).toMatchObject({ code: 'TICKET_ALREADY_CLAIMED', message: 'Ticket T-000001 has already been claimed by lin.' });

      const again = await as('lin', 'en').act('T-000001', 'claim');
      expect(again.status).toBe(409);
      expect(again.body.error).toMatchObject({ code: 'TICKET_ALREADY_CLAIMED', message: 'Ticket T-000001 is already yours.' });

      expect(await actions(1)).toEqual(['create', 'claim']);
      expect((await web.app.deps.tickets.findTicket(1))?.assigneeId).toBe('lin');
    });

    test('four agents claiming at once: one wins, the others get 409 naming the winner', async () => {
      const agents = ['lin', 'zhou', 'wang', 'chen'];
      const results = await Promise.all(agents.map((id) => as(id, 'en').act('T-000002', 'claim')));

      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      const winner = winners[0]?.body.ticket.assigneeId;
      expect(agents).toContain(winner);
      for (const loser of results.filter((r) => r.status !== 200)) {
        expect(loser.status).toBe(409);
        expect(loser.body.error).toMatchObject({ code: 'TICKET_ALREADY_CLAIMED', message: `Ticket T-000002 has already been claimed by ${winner}.` });
      }
      expect(await actions(2)).toEqual(['create', 'claim']);
      expect((await web.app.deps.tickets.findTicket(2))?.assigneeId).toBe(winner);
    });
  });
});

import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { addNote } from '../../core/tickets/add-note.js';
import { addReply } from '../../core/tickets/add-reply.js';
import { claimTicket, mergeTicket } from '../../core/tickets/ticket-actions.js';
import type { Actor } from '../../core/tickets/types.js';
import { PROVIDERS } from '../helpers/databases.js';
import {
  type CustomerView,
  type ErrorBody,
  http,
  intakeBody,
  lookupPath,
  metricSamples,
  metricSum,
  postMessage,
  startWebApp,
  type WebApp,
} from '../helpers/web.js';

/*
 * The public side of the web channel over a real socket: the customer lookup (GET /api/tickets/:number),
 * the contact page, health and metrics.
 */

const LIN: Actor = { role: 'agent', agentId: 'lin', name: '林晓雨', platform: 'api' };

const PHONE = '13812345678';
const EMAIL = 'wang.fang@example.com';
// The title is the first line: it carries the phone number; the e-mail address is on the second line.
const TEXT = `我上周买的外套收到时袖子有破洞，想退货退款。电话${PHONE}\n邮箱 ${EMAIL}，周末也可以联系`;

const fullBody = () =>
  intakeBody({
    messageId: 'web-msg-1',
    text: TEXT,
    customer: { id: 'cust-42', name: '王芳', phone: PHONE, email: EMAIL },
    orderId: 'SO-20261123001',
    channel: 'web',
  });

describe.each(PROVIDERS)('customer lookup, page, health and metrics ($name)', (provider) => {
  let web: WebApp;

  beforeEach(async () => {
    web = await startWebApp(await provider.fresh());
  });
  afterEach(async () => {
    await web.close();
  });

  /** Nothing at all was stored: no ticket, customer, message or event. */
  async function _expectNothingWritten() {
    const db = web.app.database.db;
    expect(await web.app.deps.tickets.countTickets({})).toBe(0);
    expect(await db.customer.count()).toBe(0);
    expect(await db.customerIdentity.count()).toBe(0);
    expect(await db.message.count()).toBe(0);
    expect(await db.ticketEvent.count()).toBe(0);
  }

  describe('GET /api/tickets/:number (customer lookup)', () => {
    async function ticketWithNoteAndReply() {
      const created = await postMessage(web.base, fullBody());
      expect(created.status).toBe(201);
      await claimTicket(web.app.deps, 1, LIN);
      await addNote(web.app.deps, 1, LIN, `内部备注：老客户，备用电话13900001111，可直接补发`);
      await addReply(web.app.deps, 1, LIN, { body: '您好，已为您登记退货，有问题可发邮件至 lin.support@example.com' });
    }

    test('shows public messages only, with phone numbers and e-mail addresses masked', async () => {
      await ticketWithNoteAndReply();

      const res = await http<{ ticket: CustomerView }>(web.base, 'GET', await lookupPath(web.app, 'T-000001'));

      expect(res.status).toBe(200);
      const view = res.body.ticket;
      expect(Object.keys(view).sort()).toEqual(['category', 'createdAt', 'messages', 'number', 'priority', 'status', 'statusText', 'title', 'updatedAt']);
      expect(view).toMatchObject({ number: 'T-000001', status: 'in_progress', statusText: '处理中' });
      expect(view.messages.map((m) => m.author)).toEqual(['customer', 'support']);
      expect(view.messages[0]?.body).toBe(`我上周买的外套收到时袖子有破洞，想退货退款。电话138****5678\n邮箱 w***@example.com，周末也可以联系`);
      expect(view.messages[1]?.body).toBe('您好，已为您登记退货，有问题可发邮件至 l***@example.com');
      expect(view.title).toBe('我上周买的外套收到时袖子有破洞，想退货退款。电话138****5678');
      // Neither the internal note nor any unmasked personal data is anywhere in the answer.
      expect(res.text).not.toContain('内部备注');
      expect(res.text).not.toContain('13900001111');
      expect(res.text).not.toContain(PHONE);
      expect(res.text).not.toContain(EMAIL);
      expect(res.text).not.toContain('lin.support@');
      // The note is stored, just not shown.
      expect(await web.app.deps.tickets.listMessages(1, { includeInternal: true })).toHaveLength(3);
    });

    test('the access key in the X-Ticket-Key header (as the page sends it) shows the conversation too', async () => {
      await ticketWithNoteAndReply();
      const key = (await web.app.deps.tickets.findTicket(1))?.accessKey ?? '';
      const res = await http<{ ticket: CustomerView }>(web.base, 'GET', '/api/tickets/T-000001', { headers: { 'x-ticket-key': key } });
      expect(res.status).toBe(200);
      expect(res.body.ticket.messages.map((m) => m.author)).toEqual(['customer', 'support']);
      // Not for shared caches: the same URL answers differently with and without the key.
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('vary')).toMatch(/X-Ticket-Key/i);
      // An empty header counts as none: the query string's key is used.
      const empty = await http<{ ticket: CustomerView }>(web.base, 'GET', `/api/tickets/T-000001?key=${key}`, { headers: { 'x-ticket-key': '' } });
      expect(empty.body.ticket.messages).toHaveLength(2);
      // Over 100 characters is a bad request naming the header.
      const long = await http<ErrorBody>(web.base, 'GET', '/api/tickets/T-000001', { headers: { 'x-ticket-key': 'k'.repeat(101) } });
      expect(long.status).toBe(400);
      expect(JSON.stringify(long.body.error)).toContain('x-ticket-key');
      // The header wins over the query string: a wrong header is not rescued by a right ?key=.
      const wrong = await http<{ ticket: Record<string, unknown> }>(web.base, 'GET', `/api/tickets/T-000001?key=${key}`, {
        headers: { 'x-ticket-key': 'aaaaaaaaaaaaaaaa' },
      });
      expect(wrong.body.ticket).toMatchObject({ detailsHidden: true });
    });

    test('without the access key (or with a wrong one) shows the status only: numbers are sequential', async () => {
      await ticketWithNoteAndReply();
      const paths: [string, Record<string, string>][] = [
        ['/api/tickets/T-000001', {}],
        ['/api/tickets/T-000001?key=', {}],
        ['/api/tickets/T-000001?key=aaaaaaaaaaaaaaaa', {}],
        ['/api/tickets/T-000001', { 'x-ticket-key': 'aaaaaaaaaaaaaaaa' }],
      ];
      for (const [path, headers] of paths) {
        const res = await http<{ ticket: Record<string, unknown> }>(web.base, 'GET', path, { headers });
        expect(res.status).toBe(200);
        expect(Object.keys(res.body.ticket).sort()).toEqual(['detailsHidden', 'number', 'status', 'statusText', 'updatedAt']);
        expect(res.body.ticket).toMatchObject({ number: 'T-000001', status: 'in_progress', detailsHidden: true });
        expect(res.text).not.toContain('外套');
      }
    });

    test('answers in English with Accept-Language: en', async () => {
      await ticketWithNoteAndReply();

      const en = await http<{ ticket: CustomerView }>(web.base, 'GET', await lookupPath(web.app, 'T-000001'), {
        headers: { 'accept-language': 'en-GB,en;q=0.9' },
      });
      const missing = await http<ErrorBody>(web.base, 'GET', '/api/tickets/T-000042', { headers: { 'accept-language': 'en' } });

      expect(en.status).toBe(200);
      expect(en.body.ticket.statusText).toBe('in progress');
      expect(missing.status).toBe(404);
      expect(missing.body.error).toMatchObject({ code: 'TICKET_NOT_FOUND', message: 'Ticket T-000042 was not found.' });
    });

    test('a merged duplicate says which ticket it was merged into, with and without its key', async () => {
      await postMessage(web.base, fullBody());
      await postMessage(web.base, intakeBody({ messageId: 'web-msg-2', text: '外套破洞的退货还没人处理', customer: { id: 'cust-42' } }));
      await mergeTicket(web.app.deps, 2, { role: 'supervisor', agentId: 'li', name: '李', platform: 'api' }, 1);

      const full = await http<{ ticket: CustomerView }>(web.base, 'GET', await lookupPath(web.app, 'T-000002'));
      expect(full.body.ticket).toMatchObject({ status: 'closed', statusText: '已合并到 T-000001' });
      const bare = await http<{ ticket: { statusText: string } }>(web.base, 'GET', '/api/tickets/T-000002', { headers: { 'accept-language': 'en' } });
      expect(bare.body.ticket.statusText).toBe('merged into T-000001');
    });

    test('accepts the number as T-000001, t-1, #1 or 1', async () => {
      await postMessage(web.base, fullBody());

      for (const number of ['T-000001', 't-1', '#1', '1']) {
        const res = await http<{ ticket: CustomerView }>(web.base, 'GET', `/api/tickets/${encodeURIComponent(number)}`);
        expect(res.status, number).toBe(200);
        expect(res.body.ticket.number, number).toBe('T-000001');
      }
    });

    test('an unknown number is 404 with a message; so is a malformed one', async () => {
      await postMessage(web.base, fullBody());

      const unknown = await http<ErrorBody>(web.base, 'GET', '/api/tickets/T-000002');
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatchObject({ code: 'TICKET_NOT_FOUND', message: '找不到工单 T-000002。' });
      expect(unknown.body.error.ref).toMatch(/^[0-9a-f]{8}$/);

      for (const garbage of ['abc', 'T-', 'T-000000', '0', '-1', "1' OR '1'='1", 'T-1x', '99999999999999999']) {
        const res = await http<ErrorBody>(web.base, 'GET', `/api/tickets/${encodeURIComponent(garbage)}`);
        expect(res.status, garbage).toBe(404);
        expect(res.body.error.code, garbage).toBe('TICKET_NOT_FOUND');
        expect(res.body.error.message, garbage).toMatch(/^找不到工单 .+。$/);
      }
    });
  });

  describe('GET / (contact page)', () => {
    test('serves the contact form and the lookup form, in Chinese by default', async () => {
      const res = await http(web.base, 'GET', '/');

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.text).toMatch(/^<!doctype html>/);
      expect(res.text).toContain('<html lang="zh-CN">');
      expect(res.text).toContain('<form id="contact-form">');
      expect(res.text).toContain('<form id="lookup-form">');
      for (const id of ['name', 'contact', 'order', 'message', 'ticket-number', 'result', 'lookup-result']) expect(res.text, id).toContain(`id="${id}"`);
      expect(res.text).toContain('联系客服');
      expect(res.text).toContain('查询工单进度');
      expect(res.text).toContain("fetch('/api/messages'");
      expect(res.text).toContain("fetch('/api/tickets/'");
      // Exactly one inline script, closed once: the embedded strings cannot end it early.
      expect(res.text.match(/<\/script/gi)).toHaveLength(1);
    });

    test('?lang=en and Accept-Language: en give the English page; ?lang wins over the header', async () => {
      const byQuery = await http(web.base, 'GET', '/?lang=en');
      const byHeader = await http(web.base, 'GET', '/', { headers: { 'accept-language': 'en-US,en;q=0.8' } });
      const queryWins = await http(web.base, 'GET', '/?lang=zh', { headers: { 'accept-language': 'en' } });

      for (const res of [byQuery, byHeader]) {
        expect(res.status).toBe(200);
        expect(res.text).toContain('<html lang="en">');
        expect(res.text).toContain('Contact us');
        expect(res.text).toContain('Check a ticket');
        expect(res.text).toContain('"created":"Thank you! Your ticket number is"');
        expect(res.text).not.toContain('联系客服');
        expect(res.text).toContain('<form id="contact-form">');
      }
      expect(queryWins.text).toContain('<html lang="zh-CN">');
      expect(queryWins.text).toContain('联系客服');
    });
  });

  describe('health and metrics', () => {
    test('GET /healthz is ok while the database answers', async () => {
      const res = await http(web.base, 'GET', '/healthz');

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    test('GET /metrics counts created tickets (not duplicates) and open tickets by status', async () => {
      await postMessage(web.base, intakeBody({ messageId: 'a', channel: 'web' }));
      await postMessage(web.base, intakeBody({ messageId: 'a', channel: 'web' }));
      await postMessage(web.base, intakeBody({ messageId: 'b', channel: 'email', customer: { id: 'cust-2' } }));
      await postMessage(web.base, intakeBody({ messageId: 'c', channel: 'web', customer: { id: 'cust-3' } }));
      await claimTicket(web.app.deps, 3, LIN);

      const res = await http(web.base, 'GET', '/metrics');

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.text).toContain('# TYPE ticketbot_tickets_created_total counter');
      expect(res.text).toContain('# TYPE ticketbot_open_tickets gauge');
      expect(metricSum(res.text, 'ticketbot_tickets_created_total')).toBe(3);
      expect(metricSum(res.text, 'ticketbot_tickets_created_total', { channel: 'web' })).toBe(2);
      expect(metricSum(res.text, 'ticketbot_tickets_created_total', { channel: 'email' })).toBe(1);
      for (const sample of metricSamples(res.text, 'ticketbot_tickets_created_total')) {
        expect(web.app.config.categories.map((c) => c.id)).toContain(sample.labels.category);
      }
      expect(metricSum(res.text, 'ticketbot_open_tickets', { status: 'new' })).toBe(2);
      expect(metricSum(res.text, 'ticketbot_open_tickets', { status: 'assigned' })).toBe(1);
      expect(metricSum(res.text, 'ticketbot_open_tickets', { status: 'in_progress' })).toBe(0);
      expect(metricSum(res.text, 'ticketbot_ticket_events_total', { action: 'create' })).toBe(3);
      expect(metricSum(res.text, 'ticketbot_ticket_events_total', { action: 'claim' })).toBe(1);
      // The intake requests themselves were timed, by route pattern.
      expect(metricSum(res.text, 'ticketbot_http_request_duration_seconds_count', { route: '/api/messages', method: 'POST', status: '201' })).toBe(3);
      expect(metricSum(res.text, 'ticketbot_http_request_duration_seconds_count', { route: '/api/messages', method: 'POST', status: '200' })).toBe(1);
    });
  });
});

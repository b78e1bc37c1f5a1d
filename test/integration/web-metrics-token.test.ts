// GET /metrics behind a bearer token (TICKETBOT_METRICS_TOKEN): ticket volumes and timings are not for
// everyone who can reach the port.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshSqlite } from '../helpers/databases.js';
import { API_TOKEN, http, startWebApp, type WebApp } from '../helpers/web.js';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('GET /metrics with TICKETBOT_METRICS_TOKEN set', () => {
  let web: WebApp;
  beforeAll(async () => {
    web = await startWebApp(freshSqlite(), { env: { TICKETBOT_METRICS_TOKEN: METRICS_TOKEN } });
  });
  afterAll(async () => {
    await web.close();
  });

  test.each([
    ['no token', {}],
    ['a wrong token', { authorization: `Bearer ${METRICS_TOKEN}x` }],
    ["the agent API's token", { authorization: `Bearer ${API_TOKEN}` }],
    ['the token without the Bearer scheme', { authorization: METRICS_TOKEN }],
  ])('%s: 401, asking for a bearer token, and no metrics', async (_name, headers: Record<string, string>) => {
    const res = await http(web.base, 'GET', '/metrics', { headers });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.text).not.toContain('ticketbot_');
  });

  test('the token: the metrics', async () => {
    const res = await http(web.base, 'GET', '/metrics', { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE ticketbot_tickets_created_total counter');
  });

  test('health stays open for load balancers', async () => {
    expect((await http(web.base, 'GET', '/healthz')).status).toBe(200);
  });
});

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type App, createApp } from '../../bot/app.js';

// Debian's Chromium (apt-get install chromium); .ci/run installs it. Playwright cannot download browsers here.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe.skipIf(!existsSync(CHROMIUM))('the customer web page in a real browser', () => {
  let app: App;
  let browser: Browser;
  let base: string;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ticketbot-e2e-'));
    app = await createApp({ env: { TICKETBOT_DATA_DIR: dataDir, LOG_LEVEL: 'silent' } });
    base = await app.web.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a customer files a ticket through the form and looks it up by number (zh)', async () => {
    const page = await browser.newPage({ locale: 'zh-CN' });
    await page.goto(`${base}/`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.fill('#name', '张女士');
    await page.fill('#contact', '13812345678');
    await page.fill('#order', '1234567890123456789');
    await page.fill('#message', '衣服收到有破洞，怎么退货？');
    await page.click('#contact-form button[type=submit]');
    await page.waitForFunction(() => /T-\d{6}/.test(document.querySelector('#result')?.textContent ?? ''));
    const number = /T-\d{6}/.exec((await page.textContent('#result')) ?? '')?.[0];
    expect(number).toBe('T-000001');
    expect(await page.textContent('#result')).toContain('已收到');

    const ticket = await app.deps.tickets.findTicket(1);
    expect(ticket).toMatchObject({ channel: 'web', orderNumbers: ['1234567890123456789'] });
    const customer = await app.database.db.customer.findFirstOrThrow();
    expect(customer).toMatchObject({ name: '张女士', phone: '13812345678' });

    // The form put the number into the lookup field.
    expect(await page.inputValue('#ticket-number')).toBe(number);
    await page.click('#lookup-form button[type=submit]');
    await page.waitForFunction(() => (document.querySelector('#lookup-result')?.textContent ?? '').includes('T-000001'));
    const lookup = (await page.textContent('#lookup-result')) ?? '';
    // The bundled routing hands a return request to the on-duty after-sales agent at once.
    expect(lookup).toContain('已分配');
    expect(lookup).toContain('衣服收到有破洞');
    expect(lookup).toContain('您 ·');
    await page.screenshot({ path: join(dataDir, 'zh.png'), fullPage: true });
    await page.close();
  });

  test('the English page reports an unknown number and shows field errors', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto(`${base}/?lang=en`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.fill('#ticket-number', 'T-424242');
    await page.click('#lookup-form button[type=submit]');
    await page.waitForFunction(() => (document.querySelector('#lookup-result')?.textContent ?? '').length > 0);
    expect(await page.textContent('#lookup-result')).toContain('No ticket with that number.');

    await page.fill('#contact', 'not-an-email@');
    await page.fill('#message', 'Where is my parcel?');
    await page.click('#contact-form button[type=submit]');
    await page.waitForFunction(() => (document.querySelector('#result')?.textContent ?? '').length > 0);
    expect(await page.textContent('#result')).toContain('Could not send');
    expect(await app.deps.tickets.countTickets({})).toBe(1);
    await page.close();
  });
});

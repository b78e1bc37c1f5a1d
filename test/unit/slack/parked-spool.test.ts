import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, test } from 'vitest';
import { ParkedSpool } from '../../../bot/slack/parked-spool.js';

const log = pino({ level: 'silent' });
const body = (n: number) => ({ type: 'event_callback', event_id: `Ev${n}`, event: { type: 'message', text: `第 ${n} 条回复` } });

describe('the Slack spool of deliveries kept across a stop', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const files = () => (existsSync(dir) ? readdirSync(dir) : []);

  test('a later spool takes over what an earlier one kept, once, and keeps it in its own file', () => {
    dir = join(mkdtempSync(join(tmpdir(), 'ticketbot-spool-')), 'slack-spool');
    const first = new ParkedSpool(dir, log);
    first.add(body(1));
    first.add(body(2));
    expect(files()).toHaveLength(1);

    const second = new ParkedSpool(dir, log);
    expect(second.adopt()).toEqual([body(1), body(2)]);
    expect(second.adopt()).toEqual([]);
    // Now in the second's own file, which the next process takes over in turn.
    expect(files()).toHaveLength(1);
    expect(new ParkedSpool(dir, log).adopt()).toEqual([body(1), body(2)]);
    expect(files()).toHaveLength(1);
  });

  test("a live process's file on this host is left to it; a gone process's file is taken over", () => {
    dir = join(mkdtempSync(join(tmpdir(), 'ticketbot-spool-')), 'slack-spool');
    const spool = new ParkedSpool(dir, log);
    spool.add(body(1));
    const [mine = ''] = files();
    const host = mine.split(`-${process.pid}-`)[0];
    // The parent process (vitest's) is alive; a pid past the kernel's limit is not.
    const live = `${host}-${process.ppid}-1700000000000-1.jsonl`;
    const gone = `${host}-4194305-1700000000000-1.jsonl`;
    appendFileSync(join(dir, live), `${JSON.stringify(body(2))}\n`);
    appendFileSync(join(dir, gone), `${JSON.stringify(body(3))}\n`);
    expect(new ParkedSpool(dir, log).adopt()).toEqual(expect.arrayContaining([body(1), body(3)]));
    expect(files()).toContain(live);
    expect(files()).not.toContain(gone);
  });

  test('keepOnly rewrites the own file to what is still kept, and removes it when nothing is', () => {
    dir = join(mkdtempSync(join(tmpdir(), 'ticketbot-spool-')), 'slack-spool');
    const spool = new ParkedSpool(dir, log);
    spool.add(body(1));
    spool.add(body(2));
    spool.keepOnly([body(2)]);
    const [name] = files();
    expect(readFileSync(join(dir, name ?? ''), 'utf8')).toBe(`${JSON.stringify(body(2))}\n`);
    spool.keepOnly([]);
    expect(files()).toEqual([]);
    // Its own file is not taken over by itself.
    spool.add(body(3));
    expect(spool.adopt()).toEqual([]);
  });

  test('a line cut short by a crash is skipped, the others are kept; unrelated files are left alone', () => {
    dir = join(mkdtempSync(join(tmpdir(), 'ticketbot-spool-')), 'slack-spool');
    const crashed = new ParkedSpool(dir, log);
    crashed.add(body(1));
    const [name] = files();
    appendFileSync(join(dir, name ?? ''), '{"type":"event_callback","event_id":"Ev');
    appendFileSync(join(dir, 'notes.txt'), 'not a spool file');
    expect(new ParkedSpool(dir, log).adopt()).toEqual([body(1)]);
    expect(files()).toContain('notes.txt');
  });

  test("a file that cannot be read does not lose the others' deliveries; a gone process's half-written rewrite is removed", () => {
    dir = join(mkdtempSync(join(tmpdir(), 'ticketbot-spool-')), 'slack-spool');
    const spool = new ParkedSpool(dir, log);
    spool.add(body(1));
    const [mine = ''] = files();
    const host = mine.split(`-${process.pid}-`)[0];
    // Named like a spool file, but a folder: reading it fails.
    mkdirSync(join(dir, `${host}-4194305-1700000000000-1.jsonl`));
    appendFileSync(join(dir, `${host}-4194305-1700000000000-2.jsonl.next`), `${JSON.stringify(body(9))}\n`);
    expect(new ParkedSpool(dir, log).adopt()).toEqual([body(1)]);
    expect(files().some((f) => f.endsWith('.next'))).toBe(false);
  });

  test('no directory yet: nothing to take over', () => {
    dir = join(mkdtempSync(join(tmpdir(), 'ticketbot-spool-')), 'slack-spool');
    expect(new ParkedSpool(dir, log).adopt()).toEqual([]);
  });
});

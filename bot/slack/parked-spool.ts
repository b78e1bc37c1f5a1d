// Deliveries that could be neither recorded in the inbox nor worked on (the database was down for both)
// are kept in memory until a sweep can record them, and written here too: one file per process in the
// data directory, one JSON line per delivery. A stop or a crash before the database is back then loses
// nothing: the next sweep of any process on the same data directory (the next start, or another process
// running beside it) takes the files of processes that are gone over and records their deliveries. A
// file of a live process on this host is left to it; one from another host cannot be checked and is taken
// too, which is harmless: both record the delivery, and the inbox's unique key keeps one.
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import type { Body } from './receiver-http.js';

/** A process's file (`<host>-<pid>-<start ms>-<n>.jsonl`), or one it was taking over (`….adopting-<k>`). */
const SPOOL_FILE = /^(.*)-(\d+)-\d+-\d+\.jsonl(\.adopting-\d+|\.next)?$/;
const HOST = hostname().replace(/[^\w.-]/g, '_');
/** Spools opened by this process (tests open several). */
let opened = 0;

export class ParkedSpool {
  /** This spool's file: unique per process life (host, pid, start time) and spool. */
  private readonly own: string;
  private adoptions = 0;

  constructor(
    readonly dir: string,
    private readonly logger: Logger,
  ) {
    this.own = `${HOST}-${process.pid}-${Date.now()}-${++opened}.jsonl`;
  }

  /** Appends one delivery to this process's file (synchronously: it is on disk when this returns). */
  add(body: Body): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    appendFileSync(join(this.dir, this.own), `${JSON.stringify(body)}\n`, { mode: 0o600 });
  }

  /** Rewrites this process's file to hold exactly these (what is still kept once a sweep recorded the rest); none removes it. */
  keepOnly(bodies: readonly Body[]): void {
    const path = join(this.dir, this.own);
    if (!bodies.length) {
      removeIfThere(path);
      return;
    }
    // Written beside and renamed over: a crash mid-write leaves the old file whole.
    const next = `${path}.next`;
    writeFileSync(next, bodies.map((b) => `${JSON.stringify(b)}\n`).join(''), { mode: 0o600 });
    renameSync(next, path);
  }

  /**
   * Takes over every other process's file: its deliveries move into this process's file (so that they
   * survive this process too) and are returned. A line that is not a delivery (cut short by a crash
   * mid-write) is skipped and logged.
   */
  adopt(): Body[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const adopted: Body[] = [];
    for (const name of names) {
      const owner = SPOOL_FILE.exec(name);
      if (name === this.own || !owner || (owner[1] === HOST && isOtherLiveProcess(Number(owner[2])))) continue;
      try {
        // A rewrite cut short by a crash: the file it was to replace is whole, so this half is dropped.
        if (owner[3] === '.next') removeIfThere(join(this.dir, name));
        else adopted.push(...this.takeOver(name));
      } catch (err) {
        // Left where it is for the next sweep; what the files before it held is returned all the same.
        this.logger.error({ err, file: name }, 'Slack spool: could not take a file over');
      }
    }
    return adopted;
  }

  private takeOver(name: string): Body[] {
    // The rename decides which process takes a file: the others find it gone.
    const claim = join(this.dir, `${this.own}.adopting-${++this.adoptions}`);
    try {
      renameSync(join(this.dir, name), claim);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const bodies: Body[] = [];
    let unreadable = 0;
    for (const line of readFileSync(claim, 'utf8').split('\n')) {
      if (!line) continue;
      const body = parseLine(line);
      if (body) bodies.push(body);
      else unreadable++;
    }
    if (bodies.length) appendFileSync(join(this.dir, this.own), bodies.map((b) => `${JSON.stringify(b)}\n`).join(''), { mode: 0o600 });
    unlinkSync(claim);
    if (unreadable) this.logger.warn({ file: name, unreadable }, 'Slack spool: lines that are not deliveries skipped (cut short by a crash?)');
    this.logger.info({ file: name, deliveries: bodies.length }, 'Slack spool: took over deliveries another process kept');
    return bodies;
  }
}

/** Whether `pid` is another process running on this host (this process's own earlier spools are not). */
function isOtherLiveProcess(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseLine(line: string): Body | null {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Body) : null;
  } catch {
    return null;
  }
}

function removeIfThere(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BUNDLED_CONFIG, loadConfig, parseConfig, parseEnv, resolveConfigPath } from '../../../core/config.js';
import { AppError } from '../../../core/errors.js';
import { PROJECT_ROOT } from '../../../core/paths.js';

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ticketbot-config-test-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Runs `fn`, expecting it to throw AppError CONFIG_INVALID; returns the error. */
function configInvalid(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CONFIG_INVALID');
    return error as AppError;
  }
  throw new Error('expected CONFIG_INVALID, nothing was thrown');
}

const PRIORITIES = [
  { id: 'P1', name: { zh: '紧急', en: 'Critical' } },
  { id: 'P2', name: { zh: '高', en: 'High' } },
  { id: 'P3', name: { zh: '中', en: 'Normal' } },
  { id: 'P4', name: { zh: '低', en: 'Low' } },
];

interface Names {
  zh: string;
  en: string;
}
/** Config input as written in a file: loose on purpose, so tests can break it. */
interface ConfigInput {
  locale: string;
  defaultTeam: string;
  teams: { id: string; name: Names; supervisor?: string }[];
  agents: { id: string; name: string; role?: string; team?: string; identities?: { platform: string; userId: string }[] }[];
  categories: { id: string; name: Names; team?: string; examples?: string[] }[];
  priorities: { id: string; name: Names }[];
}

/** A small valid config. */
function smallConfig(): ConfigInput {
  return {
    locale: 'en',
    defaultTeam: 'care',
    teams: [
      { id: 'care', name: { zh: '售后', en: 'Care' }, supervisor: 'boss' },
      { id: 'ship', name: { zh: '物流', en: 'Shipping' } },
    ],
    agents: [
      { id: 'boss', name: 'Boss', role: 'supervisor', team: 'care' },
      { id: 'amy', name: 'Amy', team: 'ship', identities: [{ platform: 'slack', userId: 'U1' }] },
    ],
    categories: [
      { id: 'refund', name: { zh: '退款', en: 'Refund' }, team: 'care', examples: ['退款没到账'] },
      { id: 'other', name: { zh: '其他', en: 'Other' } },
    ],
    priorities: PRIORITIES,
  };
}

const SMALL_YAML = `
locale: en
defaultTeam: care
teams:
  - id: care
    name: { zh: 售后, en: Care }
    supervisor: boss
  - id: ship
    name:
      zh: 物流
      en: Shipping
agents:
  - id: boss
    name: Boss
    role: supervisor
    team: care
  - id: amy
    name: Amy
    team: ship
    identities:
      - platform: slack
        userId: U1
categories:
  - id: refund
    name: { zh: 退款, en: Refund }
    team: care
    examples:
      - 退款没到账
  - id: other
    name: { zh: 其他, en: Other }
priorities:
  - { id: P1, name: { zh: 紧急, en: Critical } }
  - { id: P2, name: { zh: 高, en: High } }
  - { id: P3, name: { zh: 中, en: Normal } }
  - { id: P4, name: { zh: 低, en: Low } }
`;

describe('the bundled default config', () => {
  const config = loadConfig(BUNDLED_CONFIG);

  test('lives in config/ticketbot.default.json', () => {
    expect(BUNDLED_CONFIG).toBe(join(PROJECT_ROOT, 'config', 'ticketbot.default.json'));
  });

  test('has the four teams', () => {
    expect(config.teams.map((t) => t.id)).toEqual(['after-sales', 'logistics', 'finance', 'product']);
    expect(config.defaultTeam).toBe('after-sales');
  });

  test('has the twelve categories, each routed to a real team', () => {
    expect(config.categories.map((c) => c.id)).toEqual([
      'order_status',
      'shipping_logistics',
      'return_exchange',
      'refund',
      'payment',
      'product_quality',
      'account',
      'invoice',
      'complaint',
      'consultation',
      'suggestion',
      'other',
    ]);
    const teams = new Set(config.teams.map((t) => t.id));
    for (const c of config.categories) expect(teams.has(c.team ?? '')).toBe(true);
  });

  test('has priorities P1–P4 and supervisors that really are supervisors', () => {
    expect(config.priorities.map((p) => p.id)).toEqual(['P1', 'P2', 'P3', 'P4']);
    const roles = new Map(config.agents.map((a) => [a.id, a.role]));
    for (const team of config.teams) expect(['supervisor', 'admin']).toContain(roles.get(team.supervisor ?? ''));
  });

  test('parses the same through parseConfig', () => {
    expect(parseConfig(readFileSync(BUNDLED_CONFIG, 'utf8'), 'json')).toEqual(config);
  });
});

describe('parseConfig', () => {
  test('fills defaults for a minimal agent and category', () => {
    const config = parseConfig(JSON.stringify(smallConfig()), 'json');
    expect(config.agents[1]).toEqual({
      id: 'amy',
      name: 'Amy',
      role: 'agent',
      team: 'ship',
      skills: [],
      languages: ['zh'],
      maxLoad: 10,
      onDuty: true,
      identities: [{ platform: 'slack', userId: 'U1' }],
    });
    expect(config.categories[1]).toEqual({ id: 'other', name: { zh: '其他', en: 'Other' }, description: '', examples: [] });
  });

  test('a YAML config equivalent to a JSON one parses the same', () => {
    const fromJson = parseConfig(JSON.stringify(smallConfig()), 'json');
    const fromYaml = parseConfig(SMALL_YAML, 'yaml');
    expect(fromYaml).toEqual(fromJson);
    expect(fromYaml.teams[1]?.name).toEqual({ zh: '物流', en: 'Shipping' });
  });

  test('lists every cross-reference problem at once', () => {
    const cfg = smallConfig();
    cfg.agents[1] = { id: 'amy', name: 'Amy', team: 'warehouse', identities: [] };
    cfg.teams[0] = { id: 'care', name: { zh: '售后', en: 'Care' }, supervisor: 'amy' };
    cfg.categories.push({ id: 'refund', name: { zh: '退款', en: 'Refund' }, team: 'care', examples: [] });
    const error = configInvalid(() => parseConfig(JSON.stringify(cfg), 'json', 'shop.json'));
    expect(error.message).toContain('Invalid shop.json');
    expect(error.message).toContain('agents[1].team');
    expect(error.message).toContain('unknown team "warehouse"');
    expect(error.message).toContain('categories[2].id');
    expect(error.message).toContain('duplicate id "refund"');
    expect(error.message).toContain('teams[0].supervisor');
    expect(error.message).toContain('"amy" is an agent');
    expect(error.details).toHaveLength(3);
  });

  test('lists every structural problem at once', () => {
    const { priorities: _omitted, ...cfg } = smallConfig();
    const error = configInvalid(() => parseConfig(JSON.stringify({ ...cfg, colour: 'blue', teams: [{ id: 'Bad Id', name: { zh: '甲', en: 'A' } }] }), 'json'));
    expect(error.message).toContain('priorities');
    expect(error.message).toContain('"colour"');
    expect(error.message).toContain('teams[0].id');
  });

  test('reports an unknown supervisor, an unknown default team and a reused chat identity', () => {
    const cfg = smallConfig();
    cfg.defaultTeam = 'nowhere';
    cfg.teams[1] = { id: 'ship', name: { zh: '物流', en: 'Shipping' }, supervisor: 'ghost' };
    cfg.agents[0] = { id: 'boss', name: 'Boss', role: 'supervisor', team: 'care', identities: [{ platform: 'slack', userId: 'U1' }] };
    const error = configInvalid(() => parseConfig(JSON.stringify(cfg), 'json'));
    expect(error.message).toContain('defaultTeam');
    expect(error.message).toContain('teams[1].supervisor');
    expect(error.message).toContain('unknown agent "ghost"');
    expect(error.message).toContain('agents[1].identities[0]');
    expect(error.message).toContain('slack:U1');
  });

  // Regression: cross-reference checks used to be skipped once the shape itself had failed.
  test('lists structural and cross-reference problems together', () => {
    const { priorities: _omitted, ...base } = smallConfig();
    const cfg = {
      ...base,
      colour: 'blue',
      agents: [
        { id: 'boss', name: 'Boss', role: 'agent', team: 'care' },
        { id: 'amy', name: 'Amy', team: 'warehouse' },
      ],
      categories: [...base.categories, { id: 'refund', name: { zh: '退款', en: 'Refund' } }],
    };
    const error = configInvalid(() => parseConfig(JSON.stringify(cfg), 'json'));
    for (const path of ['agents[1].team', 'categories[2].id', 'teams[0].supervisor', 'priorities', '"colour"']) expect(error.message).toContain(path);
  });

  test('invalid JSON is a clear CONFIG_INVALID', () => {
    const error = configInvalid(() => parseConfig('{ "teams": [', 'json', 'broken.json'));
    expect(error.message).toMatch(/^Invalid broken\.json: not valid JSON: /);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  test('invalid YAML is a clear CONFIG_INVALID', () => {
    const error = configInvalid(() => parseConfig('teams: [unclosed\n  - id: x', 'yaml', 'broken.yaml'));
    expect(error.message).toMatch(/^Invalid broken\.yaml: not valid YAML: /);
    expect(error.cause).toBeInstanceOf(Error);
  });

  test('YAML that is not a mapping is rejected', () => {
    const error = configInvalid(() => parseConfig('- just\n- a list\n', 'yaml'));
    expect(error.message).toContain('expected object');
  });
});

describe('loadConfig', () => {
  test('reads .yaml and .yml as YAML and anything else as JSON', () => {
    const dir = tempDir();
    const expected = parseConfig(JSON.stringify(smallConfig()), 'json');
    writeFileSync(join(dir, 'a.yaml'), SMALL_YAML);
    writeFileSync(join(dir, 'a.yml'), SMALL_YAML);
    writeFileSync(join(dir, 'a.json'), JSON.stringify(smallConfig()));
    expect(loadConfig(join(dir, 'a.yaml'))).toEqual(expected);
    expect(loadConfig(join(dir, 'a.yml'))).toEqual(expected);
    expect(loadConfig(join(dir, 'a.json'))).toEqual(expected);
  });

  test('names the file in the error', () => {
    const dir = tempDir();
    const missing = join(dir, 'missing.json');
    expect(configInvalid(() => loadConfig(missing)).message).toBe(`Config file not found: ${missing}`);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...smallConfig(), defaultTeam: 'nowhere' }));
    expect(configInvalid(() => loadConfig(bad)).message).toContain(`Invalid ${bad}`);
  });
});

describe('parseEnv', () => {
  test('defaults', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.TICKETBOT_DATA_DIR).toBe('./data');
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TICKETBOT_CONFIG).toBeUndefined();
  });

  test('empty strings count as unset', () => {
    const env = parseEnv({ PORT: '', LOG_LEVEL: '', DATABASE_URL: '' });
    expect(env).toMatchObject({ PORT: 3000, LOG_LEVEL: 'info' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  test('reads given values, coercing the port', () => {
    const env = parseEnv({
      PORT: '8080',
      TICKETBOT_DATA_DIR: '/var/lib/ticketbot',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://u:p@db:5432/tickets',
      TICKETBOT_CONFIG: 'shop.yaml',
    });
    expect(env).toMatchObject({
      PORT: 8080,
      TICKETBOT_DATA_DIR: '/var/lib/ticketbot',
      LOG_LEVEL: 'debug',
      DATABASE_URL: 'postgresql://u:p@db:5432/tickets',
      TICKETBOT_CONFIG: 'shop.yaml',
    });
    expect(parseEnv({ DATABASE_URL: 'postgres://db/x' }).DATABASE_URL).toBe('postgres://db/x');
    expect(parseEnv({ DATABASE_URL: 'file:./dev.db' }).DATABASE_URL).toBe('file:./dev.db');
  });

  test('lists every bad variable in one CONFIG_INVALID', () => {
    const error = configInvalid(() => parseEnv({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' }));
    expect(error.message).toMatch(/^Invalid environment:/);
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(error.message).toContain(`at ${name}`);
    expect(error.message).toContain('must start with postgresql:// or file:');
    expect(error.details).toHaveLength(3);
  });

  test.each([['70000'], ['-1'], ['3.5']])('rejects PORT=%s', (port) => {
    expect(configInvalid(() => parseEnv({ PORT: port })).message).toContain('PORT');
  });

  test('rejects a short API or metrics token and a non-redis REDIS_URL', () => {
    const error = configInvalid(() => parseEnv({ TICKETBOT_API_TOKEN: 'short', TICKETBOT_METRICS_TOKEN: 'short too', REDIS_URL: 'http://cache' }));
    expect(error.message).toContain('TICKETBOT_API_TOKEN');
    expect(error.message).toContain('TICKETBOT_METRICS_TOKEN');
    expect(error.message).toContain('REDIS_URL');
  });
});

describe('resolveConfigPath', () => {
  test('an explicit path wins, resolved against the working directory', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ticketbot.config.json'), '{}');
    expect(resolveConfigPath('custom/shop.yaml', dir)).toBe(join(dir, 'custom', 'shop.yaml'));
    expect(resolveConfigPath('/etc/ticketbot.json', dir)).toBe('/etc/ticketbot.json');
  });

  test('then ./ticketbot.config.json in the working directory', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ticketbot.config.json'), '{}');
    writeFileSync(join(dir, 'ticketbot.config.yaml'), '');
    expect(resolveConfigPath(undefined, dir)).toBe(join(dir, 'ticketbot.config.json'));
    expect(resolveConfigPath('', dir)).toBe(join(dir, 'ticketbot.config.json'));
  });

  test('then ./ticketbot.config.yaml, then .yml', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'ticketbot.config.yml'), '');
    expect(resolveConfigPath(undefined, dir)).toBe(join(dir, 'ticketbot.config.yml'));
    writeFileSync(join(dir, 'ticketbot.config.yaml'), '');
    expect(resolveConfigPath(undefined, dir)).toBe(join(dir, 'ticketbot.config.yaml'));
  });

  test('else the bundled default', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'config'));
    writeFileSync(join(dir, 'config', 'ticketbot.default.json'), '{}');
    expect(resolveConfigPath(undefined, dir)).toBe(BUNDLED_CONFIG);
  });
});

describe('CLI with a bad config', () => {
  test('`ticketbot tickets list` exits 1 and lists each problem on stderr', () => {
    const dir = tempDir();
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir);
    const configPath = join(dir, 'bad.json');
    const cfg = smallConfig();
    cfg.agents[1] = { id: 'amy', name: 'Amy', team: 'warehouse', identities: [] };
    cfg.teams[0] = { id: 'care', name: { zh: '售后', en: 'Care' }, supervisor: 'amy' };
    cfg.categories.push({ id: 'refund', name: { zh: '退款', en: 'Refund' }, team: 'care', examples: [] });
    writeFileSync(configPath, JSON.stringify(cfg));

    const env: NodeJS.ProcessEnv = { ...process.env, TICKETBOT_CONFIG: configPath, TICKETBOT_DATA_DIR: dataDir };
    for (const name of ['DATABASE_URL', 'PORT', 'LOG_LEVEL', 'REDIS_URL', 'TICKETBOT_API_TOKEN', 'NODE_OPTIONS']) delete env[name];
    const run = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin', 'ticketbot.mjs'), 'tickets', 'list'], {
      cwd: dir,
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(run.error).toBeUndefined();
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`ticketbot: Invalid ${configPath}`);
    for (const path of ['agents[1].team', 'teams[0].supervisor', 'categories[2].id']) expect(run.stderr).toContain(path);
    expect(run.stderr).toContain('unknown team "warehouse"');
    expect(run.stderr).toContain('duplicate id "refund"');
    // The config is checked before any database is created.
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { CREATE_SHORTCUT } from '../../../bot/slack/inbound.js';
import { parseSlackSettings } from '../../../bot/slack/settings.js';
import { SLACK_EVENTS_PATH } from '../../../bot/slack/slack-app.js';
import { PROJECT_ROOT } from '../../../core/paths.js';

interface Manifest {
  features: { shortcuts: { callback_id: string; type: string }[]; slash_commands: { command: string; url: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url: string } };
}

const manifest = JSON.parse(readFileSync(join(PROJECT_ROOT, 'bot', 'slack', 'manifest.json'), 'utf8')) as Manifest;
const inbound = readFileSync(join(PROJECT_ROOT, 'bot', 'slack', 'inbound.ts'), 'utf8');

describe('Slack app manifest matches what the code listens to and calls', () => {
  test('the message shortcut and slash command are the ones the listeners register', () => {
    expect(manifest.features.shortcuts).toContainEqual(expect.objectContaining({ callback_id: CREATE_SHORTCUT, type: 'message' }));
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([
      parseSlackSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret12' })?.command,
    ]);
  });

  test('every Slack URL points at the one events endpoint', () => {
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...manifest.features.slash_commands.map((c) => c.url),
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  test('every event the code listens to is subscribed, with the scope it needs', () => {
    const events = manifest.settings.event_subscriptions.bot_events;
    for (const [listener, event] of [
      ["app.event('reaction_added'", 'reaction_added'],
      ["app.event('app_mention'", 'app_mention'],
      ['app.message(', 'message.channels'],
    ] as const) {
      expect(inbound).toContain(listener);
      expect(events).toContain(event);
    }
    const scopes = manifest.oauth_config.scopes.bot;
    // Web API methods the adapter calls → the scope each needs.
    for (const scope of ['chat:write', 'commands', 'reactions:read', 'channels:history', 'groups:history', 'app_mentions:read'])
      expect(scopes).toContain(scope);
  });
});

describe('Slack settings from the environment', () => {
  test('off without a bot token', () => {
    expect(parseSlackSettings({})).toBeNull();
    expect(parseSlackSettings({ SLACK_BOT_TOKEN: '' })).toBeNull();
  });

  test('HTTP mode with a signing secret; Socket Mode with an app token', () => {
    expect(parseSlackSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret12' })).toMatchObject({
      mode: 'http',
      emoji: 'ticket',
      command: '/ticket',
    });
    expect(parseSlackSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toMatchObject({ mode: 'socket' });
  });

  test('a bot token alone, or malformed values, are refused with the reason', () => {
    expect(() => parseSlackSettings({ SLACK_BOT_TOKEN: 'xoxb-1' })).toThrow(/SLACK_SIGNING_SECRET.*SLACK_APP_TOKEN/);
    expect(() => parseSlackSettings({ SLACK_BOT_TOKEN: 'xoxp-user', SLACK_SIGNING_SECRET: 'secret12' })).toThrow(/bot token/);
    expect(() => parseSlackSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xoxb-2' })).toThrow(/app-level token/);
    expect(() => parseSlackSettings({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret12', SLACK_TICKET_EMOJI: ':ticket:' })).toThrow(/without colons/);
  });
});

/** Which chat platforms this process runs, and why the others are off. */
export interface PlatformStatus {
  platform: string;
  enabled: boolean;
  reason: string;
}

const CHAT_PLATFORMS: { platform: string; needs: string[] }[] = [
  { platform: 'slack', needs: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'] },
  { platform: 'discord', needs: ['DISCORD_TOKEN'] },
  { platform: 'wechat', needs: ['WECHATY_PUPPET'] },
];

export function platformStatus(env: NodeJS.ProcessEnv): PlatformStatus[] {
  const chat = CHAT_PLATFORMS.map(({ platform, needs }) => {
    if (platform === 'slack' && env.SLACK_BOT_TOKEN && (env.SLACK_SIGNING_SECRET || env.SLACK_APP_TOKEN)) {
      const mode = env.SLACK_APP_TOKEN ? 'Socket Mode' : `HTTP at /slack/events on port ${env.PORT ?? 3000}`;
      return { platform, enabled: true, reason: mode };
    }
    const missing = needs.filter((n) => !env[n]);
    // The chat adapters are separate milestones; until one ships, say so rather than pretend it runs.
    const reason = missing.length ? `missing ${missing.join(', ')}` : 'credentials found, but this build has no adapter for it yet';
    return { platform, enabled: false, reason };
  });
  return [{ platform: 'web', enabled: true, reason: 'always on (HTTP API, contact form, status lookup)' }, ...chat];
}

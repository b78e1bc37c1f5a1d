import { type App, createApp } from './app.js';

/** Runs a one-shot CLI command against the app (quiet logs unless LOG_LEVEL asks), then closes it. */
export async function withApp<T>(run: (app: App) => Promise<T>): Promise<T> {
  const app = await createApp({ env: { LOG_LEVEL: 'warn', ...process.env }, oneShot: true });
  try {
    return await run(app);
  } finally {
    await app.close();
  }
}

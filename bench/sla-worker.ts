// A bot process that only runs the background workers (SLA timers, routing, notifications) on the
// database and Redis named by the environment. The SLA restart test and benchmark start it, SIGKILL it
// and start it again.
import { createApp } from '../bot/app.js';

const app = await createApp({ env: process.env });
await app.startWorkers();
// The workers' timers are unref'd (they never keep a CLI command alive); here nothing else listens.
const keepAlive = setInterval(() => {}, 60_000);
process.stdout.write('ready\n');
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  void app.close().then(() => process.exit(0));
});

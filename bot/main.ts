// Process entry point: `ticketbot <command>` (bin/ticketbot.mjs) and `npm run dev` land here.
import { main } from './cli.js';

const code = await main(process.argv.slice(2));
if (code >= 0) process.exit(code);

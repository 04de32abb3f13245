// Tributary as the webhook ingest benchmark runs it: `serve()` with the API and inbound webhooks, no worker
// (jobs only enqueued), no sandbox, logs off. Env: the usual config (DATABASE_URL of a migrated database,
// STRIPE_WEBHOOK_SECRETS, DATABASE_POOL_SIZE, PORT). Prints its URL.
import { loadConfig } from '../packages/server/src/config.ts';
import { createLogger } from '../packages/server/src/logger.ts';
import { serve } from '../packages/server/src/runtime.ts';

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', HOST: '127.0.0.1' });
const running = await serve(config, {
  work: process.env.BENCH_WORK === '1',
  sandbox: false,
  log: createLogger('silent'),
});
console.log(`LISTENING ${running.url}`);
process.on('SIGTERM', () => {
  running.stop().finally(() => process.exit(0));
});

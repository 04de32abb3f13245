import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import * as apiKeys from './api-keys/service.ts';
import { syncMrr } from './cli/sync-mrr.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import type { Ctx } from './context.ts';
import { fromPublicId, toPublicId } from './http/ids.ts';
import { createLogger } from './logger.ts';
import { openForServing, openMigrated, serve, startWorker } from './runtime.ts';
import { scopeInTenant } from './scope/tenant.ts';
import { StripeRef } from './stripe/client.ts';
import * as tenants from './tenants/service.ts';
import { backfillEvents, replayMatching } from './webhooks/service.ts';

const usage = `tributary <command> [options]

Commands:
  serve                 API, dashboard and job worker (migrates first); --no-worker: without the worker,
                        for replicas beside "tributary worker" processes
  migrate               apply database migrations and exit
  create-tenant         --name <name> [--external-id <id>]
  worker                the job worker alone (webhook processing, outbound delivery, maintenance)
  replay                --since <ISO date|unix> [--type <type or prefix.*>] [--status dead|failed|…]
                        process matching Stripe events again
  sync events           --since <ISO date|unix>: backfill missed events from Stripe for the platform
                        and every connected account
  sync mrr              [--tenant ten_…]: complete the MRR history from Stripe's current subscriptions
                        (each tenant's customers' and its plan's with the platform); safe to run again
  create-api-key        [--tenant ten_…] [--name <name>] [--type secret|restricted] [--scopes a:read,b:write]
                        without --tenant: a platform key

Configuration comes from the environment; see README.md.`;

function cliCtx(config: Config, db: Ctx['db']): Ctx {
  const log = createLogger('warn');
  return { db, config, actor: { kind: 'system', label: 'cli' }, requestId: `cli_${Date.now()}`, log };
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      name: { type: 'string' },
      'external-id': { type: 'string' },
      tenant: { type: 'string' },
      type: { type: 'string' },
      since: { type: 'string' },
      status: { type: 'string' },
      scopes: { type: 'string' },
      open: { type: 'boolean', default: false },
      'no-worker': { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (!command || command === 'help' || command === '--help') {
    console.log(usage);
    return command ? 0 : 1;
  }
  const config = loadConfig();

  if (command === 'serve') {
    const running = await serve(config, { work: !values['no-worker'] });
    const shutdown = async () => {
      await running.stop();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    console.log(`\nTributary is running: ${config.publicUrl}  (API docs: ${config.publicUrl}/docs)`);
    console.log(
      running.stripe.mode === 'sandbox'
        ? `Stripe: the built-in sandbox at ${running.stripe.apiBase} (no real money; set STRIPE_SECRET_KEY to use Stripe)`
        : `Stripe: ${running.stripe.apiBase}`,
    );
    if (running.setupUrl)
      console.log(`\nFirst start: create the operator account at\n  ${running.setupUrl}\n`);
    if (values.open) openInBrowser(running.setupUrl ?? config.publicUrl);
    return -1;
  }

  if (command === 'worker') {
    const log = createLogger(config.LOG_LEVEL, config.LOG_PRETTY ?? false);
    const opened = await openForServing(config, 'worker', log);
    const jobs = await startWorker(config, opened.database, log);
    const shutdown = async () => {
      await jobs.stop();
      await opened.release();
      process.exit(0);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    console.log('Tributary worker running.');
    return -1;
  }

  const opened = await openMigrated(config, command);
  try {
    const ctx = cliCtx(config, opened.database.db);
    switch (command) {
      case 'migrate':
        console.log('Migrations applied.');
        return 0;
      case 'create-tenant': {
        if (!values.name) throw new UsageError('create-tenant needs --name');
        const row = await tenants.createTenant(ctx, { name: values.name, externalId: values['external-id'] });
        console.log(JSON.stringify({ id: toPublicId('tenant', row.id), name: row.name }));
        return 0;
      }
      case 'replay': {
        const since = parseSince(values.since);
        const jobs = await startWorker(config, opened.database, createLogger('warn'), { work: false });
        try {
          const n = await replayMatching(ctx, jobs, {
            since,
            type: values.type,
            status: values.status as never,
          });
          console.log(JSON.stringify({ replayed: n }));
        } finally {
          await jobs.stop();
        }
        return 0;
      }
      case 'sync': {
        if (rest[0] === 'mrr') {
          const tenant = values.tenant ? fromPublicId('tenant', values.tenant) : undefined;
          if (tenant === null) throw new UsageError(`not a tenant id: ${values.tenant}`);
          const result = await syncMrr(ctx, new StripeRef(config), tenant);
          console.log(JSON.stringify(result));
          return result.failed.length > 0 ? 1 : 0;
        }
        if (rest[0] !== 'events')
          throw new UsageError('usage: tributary sync events --since <date> | sync mrr [--tenant <id>]');
        const since = parseSince(values.since);
        const stripe = new StripeRef(config);
        const jobs = await startWorker(config, opened.database, createLogger('warn'), {
          work: false,
          stripe,
        });
        try {
          console.log(JSON.stringify(await backfillEvents(ctx, stripe, jobs, since)));
        } finally {
          await jobs.stop();
        }
        return 0;
      }
      case 'create-api-key': {
        const type = values.type === 'restricted' ? 'restricted' : 'secret';
        const input = {
          name: values.name ?? 'CLI key',
          type,
          scopes: values.scopes?.split(',').filter(Boolean),
        } as const;
        if (values.tenant) {
          const id = fromPublicId('tenant', values.tenant);
          if (!id) throw new UsageError(`not a tenant id: ${values.tenant}`);
          const { secret } = await apiKeys.createTenantKey(scopeInTenant(ctx, id), input);
          console.log(secret);
        } else {
          const { secret } = await apiKeys.createPlatformKey(ctx, input);
          console.log(secret);
        }
        return 0;
      }
      default:
        throw new UsageError(`unknown command '${command}'\n\n${usage}`);
    }
  } finally {
    await opened.release();
  }
}

class UsageError extends Error {}

function parseSince(v: string | undefined): Date {
  if (!v) throw new UsageError('--since is required (an ISO date or unix seconds)');
  const d = /^\d+$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--since: not a date: ${v}`);
  return d;
}

/** Best effort: opens the dashboard in the desktop's browser; on a headless machine the printed URL does. */
function openInBrowser(url: string): void {
  if (
    process.env.CI ||
    (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
  )
    return;
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => {});
  child.unref();
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err) => {
    if (
      err instanceof ConfigError ||
      err instanceof UsageError ||
      err?.name === 'DataDirLockedError' ||
      err?.name === 'ApiError'
    ) {
      console.error(`tributary: ${err.message}`);
    } else {
      console.error(err);
    }
    process.exit(1);
  },
);

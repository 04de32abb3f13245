// startSandbox(): a stateful Stripe API emulator on node:http, for tests, demos and local development.
import { Admin } from './admin.ts';
import { type App, Timers } from './app.ts';
import { rearm } from './billing/scheduler.ts';
import type { Config } from './config.ts';
import { DEFAULT_FEE_RATES } from './money/fees.ts';
import { Pages } from './pages/index.ts';
import { attachSaver, load, type Persisted, Saver } from './persistence.ts';
import { accountObject } from './resources/accounts.ts';
import { relinkSubscriptions } from './resources/subscriptions/model.ts';
import { buildRouter } from './routes.ts';
import { createServer, type InProcessCall } from './server.ts';
import { Store } from './store.ts';
import { Webhooks } from './webhooks.ts';
import { IdempotencyStore } from './wire/idempotency.ts';
import { newId } from './wire/ids.ts';

export interface SandboxOptions {
  host?: string;
  /** 0 = random free port. The CLI defaults to 12111. */
  port?: number;
  /** JSON snapshot file: loaded at start, rewritten after changes, so a restart keeps state. */
  stateFile?: string;
  /** Seconds between webhook delivery attempts (one retry per entry). Default: 3 retries over ~3 h. */
  webhookRetrySchedule?: number[];
  webhookTimeoutMs?: number;
  /**
   * Stripe's card fee by "COUNTRY/currency" (`*` for any country), over Stripe's published prices for the
   * common pairs (money/fees.ts); the settlement country is the connected account's (on_behalf_of's).
   */
  stripeFees?: Record<string, { percentBps: number; fixed: number }>;
  /**
   * The fee of a pair no rate lists: percent in basis points (default 290 = 2.9%) plus a fixed amount in the
   * charge currency's minor units (a number is cents of usd; default 30¢, nothing in other currencies).
   * Setting either drops the published prices, as the sandbox charged before per-currency prices.
   */
  stripeFeePercentBps?: number;
  stripeFeeFixed?: number | Record<string, number>;
  /** Delay before a `processing` bank debit settles (ms). Default 2000. */
  asyncPaymentDelayMs?: number;
  /** Delay before a refund that settles later does (ACH and the 7726 card: pending → succeeded; the 5126
   * card: succeeded → failed). Default: `asyncPaymentDelayMs`. Whole seconds (at least 1), as jobs are. */
  asyncRefundDelayMs?: number;
  /** Days before a charge's funds become available in the balance (then paid out). Default 2. */
  availabilityDays?: number;
  /** Base URL used in hosted-page links (account links, 3DS, login links); default the listening URL. */
  publicUrl?: string;
  platformName?: string;
  /** How long an idempotency key's result is kept (replayed) before a reuse makes a new request. Stripe
   * prunes keys after at least 24 h. Default 86400. */
  idempotencyRetentionSeconds?: number;
}

export interface Sandbox {
  url: string;
  port: number;
  platformAccountId: string;
  connectClientId: string;
  /**
   * An API request answered in this process, without a socket (an SDK's HTTP client in the same process:
   * see the server's stripe/in-process.ts); null when it must go over HTTP (a multipart upload, a fault or an
   * outage set, the sandbox closed).
   */
  call: InProcessCall;
  close(): Promise<void>;
}

export const DEFAULT_RETRY_SCHEDULE = [300, 1800, 7200];

function createPlatform(app: App): void {
  const id = app.config.platformAccountId;
  const acct = accountObject(app, id, 'standard', { type: 'account', is_controller: false });
  Object.assign(acct, {
    business_type: 'company',
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    email: 'platform@example.com',
    capabilities: { card_payments: 'active', transfers: 'active' },
  });
  acct.business_profile.name = app.config.platformName;
  acct.settings.dashboard.display_name = app.config.platformName;
  app.store.insert(id, acct, 'platform_account');
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const persisted = options.stateFile ? load(options.stateFile) : null;
  const store = new Store();
  const config: Config = {
    url: '',
    publicUrl: options.publicUrl ?? '',
    platformAccountId: persisted?.platformAccountId ?? newId('acct'),
    connectClientId: persisted?.connectClientId ?? newId('ca'),
    platformName: options.platformName ?? 'Tributary Sandbox Platform',
    webhookRetrySchedule: options.webhookRetrySchedule ?? DEFAULT_RETRY_SCHEDULE,
    webhookTimeoutMs: options.webhookTimeoutMs ?? 10_000,
    stripeFeeRates: {
      ...(options.stripeFeePercentBps === undefined && options.stripeFeeFixed === undefined
        ? DEFAULT_FEE_RATES
        : {}),
      ...options.stripeFees,
    },
    stripeFeePercentBps: options.stripeFeePercentBps ?? 290,
    stripeFeeFixed:
      typeof options.stripeFeeFixed === 'object'
        ? options.stripeFeeFixed
        : { usd: options.stripeFeeFixed ?? 30 },
    asyncPaymentDelayMs: options.asyncPaymentDelayMs ?? 2000,
    asyncRefundDelayMs: options.asyncRefundDelayMs ?? options.asyncPaymentDelayMs ?? 2000,
    availabilityDays: options.availabilityDays ?? 2,
  };
  const webhooks = new Webhooks(store, config);
  const timers = new Timers();
  const app: App = { store, config, webhooks, timers };
  if (persisted) {
    store.load(persisted.store);
    rearm(app);
    relinkSubscriptions(app);
  } else createPlatform(app);

  let saver: Saver | null = null;
  if (options.stateFile) {
    saver = new Saver(
      options.stateFile,
      (): Persisted => ({
        platformAccountId: config.platformAccountId,
        connectClientId: config.connectClientId,
        store: store.snapshot(),
      }),
    );
    attachSaver(store, saver);
  }

  const idempotency = new IdempotencyStore(undefined, (options.idempotencyRetentionSeconds ?? 86_400) * 1000);
  const admin = new Admin(app, idempotency, {
    reset() {
      webhooks.reset();
      timers.clear();
      const notify = store.onChange;
      store.clear();
      createPlatform(app);
      store.onChange = notify;
      store.changed();
    },
  });
  const { server, call } = createServer({
    app,
    router: buildRouter(),
    admin,
    pages: new Pages(app),
    idempotency,
  });
  let closed = false;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the sandbox is not listening on a TCP port');
  const { port } = address;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  config.url = url;
  if (!config.publicUrl) config.publicUrl = url;

  return {
    url,
    port,
    platformAccountId: config.platformAccountId,
    connectClientId: config.connectClientId,
    call: (req) => (closed ? null : call(req)),
    async close() {
      closed = true;
      webhooks.close();
      timers.clear();
      admin.faults.releaseHung();
      admin.outage.end();
      saver?.save();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export type { InProcessCall, InProcessRequest, InProcessResponse } from './server.ts';
export { signatureHeader } from './webhooks.ts';

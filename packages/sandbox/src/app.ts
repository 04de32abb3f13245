// The shared state of one running sandbox and the per-request context handed to resource handlers.
import type { Config } from './config.ts';
import type { Store } from './store.ts';
import type { Webhooks } from './webhooks.ts';
import type { Params } from './wire/schema.ts';

export interface App {
  store: Store;
  config: Config;
  webhooks: Webhooks;
  timers: Timers;
}

export interface Ctx {
  app: App;
  /** The account the request acts as: the platform, or the connected account of Stripe-Account/OAuth. */
  account: string;
  platform: boolean;
  /** null for changes not caused by an API request (hosted pages, timers, admin). */
  requestId: string | null;
  /** The request's `Stripe-Version` (absent: the version the sandbox speaks, `API_VERSION`). */
  apiVersion?: string;
  idempotencyKey: string | null;
  method: string;
  params: Params;
  /** Positional path parameters (`:id` segments) in order. */
  path: string[];
  files?: Map<string, { filename: string; mime: string; data: Buffer }>;
}

/** Timers that die with the sandbox (webhook retries, async settlement). */
export class Timers {
  private set = new Set<NodeJS.Timeout>();
  after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.set.delete(t);
      fn();
    }, ms);
    t.unref();
    this.set.add(t);
  }
  clear(): void {
    for (const t of this.set) clearTimeout(t);
    this.set.clear();
  }
}

/** A context for work not caused by an API request (hosted pages, timers, admin routes). */
export function systemCtx(app: App, account: string): Ctx {
  return {
    app,
    account,
    platform: account === app.config.platformAccountId,
    requestId: null,
    idempotencyKey: null,
    method: 'POST',
    params: {},
    path: [],
  };
}

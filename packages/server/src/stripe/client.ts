import Stripe from 'stripe';
import type { Config } from '../config.ts';

export type { Stripe };

/**
 * The one Stripe client of the process. `STRIPE_SECRET_KEY` + `STRIPE_API_BASE` point it at Stripe (or any
 * compatible base); without a key it talks to the sandbox (`STRIPE_API_BASE`, else 127.0.0.1:SANDBOX_PORT).
 */
export function createStripeClient(config: Config, override?: { apiBase?: string; key?: string }): Stripe {
  const key = override?.key ?? config.STRIPE_SECRET_KEY ?? 'sk_test_tributary_sandbox';
  const base =
    override?.apiBase ??
    config.STRIPE_API_BASE ??
    (config.stripeMode === 'sandbox' ? `http://127.0.0.1:${config.SANDBOX_PORT}` : undefined);
  if (!base) return new Stripe(key, { maxNetworkRetries: 2, timeout: 20_000 });
  const u = new URL(base);
  const protocol = u.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(key, {
    host: u.hostname,
    port: u.port ? Number(u.port) : protocol === 'http' ? 80 : 443,
    protocol,
    maxNetworkRetries: 2,
    timeout: 20_000,
  });
}

/** Whether events must say `livemode: true`: only with a live key. The sandbox and test keys are test mode. */
export function expectsLivemode(config: Config): boolean {
  return Boolean(config.STRIPE_SECRET_KEY?.includes('_live_'));
}

import { mkdirSync } from 'node:fs';
import Stripe from 'stripe';
import { type Sandbox, startSandbox } from 'tributary-sandbox';
import type { Config } from '../config.ts';

/** Where Stripe calls go: the real API with the configured key, or the sandbox (in-process by default). */
export interface StripeTarget {
  mode: 'sandbox' | 'stripe';
  secretKey: string;
  /** API base URL, e.g. https://api.stripe.com or http://127.0.0.1:12111 */
  apiBase: string;
  /** Connect OAuth base (the SDK's authorizeUrl() cannot carry a port) */
  connectBase: string;
  /** Webhook signing secrets to accept: the configured ones plus, in sandbox mode, those of the endpoints registered at start. */
  webhookSecrets: string[];
  sandbox: Sandbox | null;
}

export const SANDBOX_SECRET_KEY = 'sk_test_tributary_sandbox';

export function createStripeClient(
  target: Pick<StripeTarget, 'secretKey' | 'apiBase'>,
  opts: { maxNetworkRetries?: number } = {},
): Stripe {
  const url = new URL(target.apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(target.secretKey, {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
    maxNetworkRetries: opts.maxNetworkRetries ?? 2,
    appInfo: { name: 'Tributary' },
  });
}

/**
 * Real Stripe when STRIPE_SECRET_KEY is set; otherwise starts the sandbox in this process (state kept in
 * DATA_DIR) and registers Tributary's two webhook endpoints on it, so events flow with no other setup.
 */
export async function resolveStripeTarget(
  config: Config,
  opts: { startSandbox: boolean },
): Promise<StripeTarget> {
  if (config.STRIPE_SECRET_KEY) {
    return {
      mode: 'stripe',
      secretKey: config.STRIPE_SECRET_KEY,
      apiBase: config.STRIPE_API_BASE ?? 'https://api.stripe.com',
      connectBase: config.STRIPE_CONNECT_BASE ?? 'https://connect.stripe.com',
      webhookSecrets: config.webhookSecrets,
      sandbox: null,
    };
  }
  if (!opts.startSandbox) {
    const base = config.STRIPE_API_BASE ?? `http://127.0.0.1:${config.SANDBOX_PORT}`;
    return {
      mode: 'sandbox',
      secretKey: SANDBOX_SECRET_KEY,
      apiBase: base,
      connectBase: config.STRIPE_CONNECT_BASE ?? base,
      webhookSecrets: config.webhookSecrets,
      sandbox: null,
    };
  }
  mkdirSync(config.DATA_DIR, { recursive: true });
  const sandbox = await startSandbox({
    port: config.SANDBOX_PORT,
    stateFile: config.NODE_ENV === 'test' ? undefined : `${config.DATA_DIR}/sandbox-state.json`,
  });
  const target: StripeTarget = {
    mode: 'sandbox',
    secretKey: SANDBOX_SECRET_KEY,
    apiBase: sandbox.url,
    connectBase: sandbox.url,
    webhookSecrets: [...config.webhookSecrets],
    sandbox,
  };
  const stripe = createStripeClient(target);
  const ours = [`${config.publicUrl}/webhooks/stripe`, `${config.publicUrl}/webhooks/stripe/connect`];
  for await (const endpoint of stripe.webhookEndpoints.list({ limit: 100 })) {
    if (ours.includes(endpoint.url)) await stripe.webhookEndpoints.del(endpoint.id);
  }
  for (const [i, url] of ours.entries()) {
    const created = await stripe.webhookEndpoints.create({
      url,
      enabled_events: ['*'],
      connect: i === 1,
      description: 'Tributary (registered at start-up)',
    });
    if (created.secret) target.webhookSecrets.push(created.secret);
  }
  return target;
}

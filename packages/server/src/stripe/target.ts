import { mkdirSync } from 'node:fs';
import Stripe from 'stripe';
import { type Sandbox, startSandbox } from 'tributary-sandbox';
import type { Config } from '../config.ts';
import { budgetedHttpClient } from './budget.ts';
import { inProcessHttpClient } from './in-process.ts';

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

/** How long one Stripe call may take: each try (`timeoutMs`) and how many tries after the first. */
export interface StripeCallLimits {
  timeoutMs: number;
  maxNetworkRetries: number;
}

/** The limits of calls made during an API request (each request's calls also share STRIPE_REQUEST_BUDGET_MS). */
export const requestLimits = (config: Config): StripeCallLimits => ({
  timeoutMs: config.STRIPE_TIMEOUT_MS,
  maxNetworkRetries: config.STRIPE_MAX_NETWORK_RETRIES,
});

/** The limits of calls made with no caller waiting (the worker's jobs, the CLI, start-up). */
export const backgroundLimits = (config: Config): StripeCallLimits => ({
  timeoutMs: config.STRIPE_TIMEOUT_MS,
  maxNetworkRetries: config.STRIPE_WORKER_MAX_NETWORK_RETRIES,
});

/**
 * How calls travel: over HTTP, or answered by the sandbox in this process without a socket (HTTP still for
 * what it cannot answer so), each try cut to the API request's budget.
 */
export function transportFor(target: { sandbox?: Sandbox | null }): Stripe.HttpClient {
  return budgetedHttpClient(
    target.sandbox ? inProcessHttpClient(target.sandbox.call, Stripe.createNodeHttpClient()) : undefined,
  );
}

/**
 * A client with explicit limits: the SDK's own are 80 s a try, and a hung Stripe held
 * a request for minutes. Retries resend the same idempotency key, so a try that was done is not done twice.
 */
export function createStripeClient(
  target: Pick<StripeTarget, 'secretKey' | 'apiBase'> & { sandbox?: Sandbox | null },
  limits: StripeCallLimits,
  httpClient: Stripe.HttpClient = transportFor(target),
): Stripe {
  const url = new URL(target.apiBase);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(target.secretKey, {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
    protocol,
    timeout: limits.timeoutMs,
    maxNetworkRetries: limits.maxNetworkRetries,
    httpClient,
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
  const stripe = createStripeClient(target, backgroundLimits(config));
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

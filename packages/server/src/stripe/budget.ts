import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import type { Config } from '../config.ts';

/**
 * One API request's time for Stripe. The SDK bounds each try of a call (`timeout`)
 * and the number of tries, but a request may make several calls (saving a card makes four): the budget bounds
 * them together, so a request that meets a hung Stripe answers 503 well before another try with its
 * Idempotency-Key may take over (a started request holds its key for 60 s, http/idempotency.ts). Outside a
 * request (the worker, the CLI) there is no budget: each call has its own tries.
 */
const budgets = new AsyncLocalStorage<{ deadline: number }>();

/** Runs `fn` (and everything it starts) with `ms` for its Stripe calls. */
export function withStripeBudget<T>(ms: number, fn: () => T): T {
  return budgets.run({ deadline: Date.now() + ms }, fn);
}

/** Milliseconds left in the current request's budget; null outside a request. */
export function stripeBudgetLeft(): number | null {
  const b = budgets.getStore();
  return b ? b.deadline - Date.now() : null;
}

/** Gives each API request its budget, from its handler on (after authentication and the Idempotency-Key). */
export function registerStripeBudget(app: FastifyInstance, config: Config): void {
  // a callback hook: the handler runs inside `done`, so inside the budget's async context
  app.addHook('preHandler', (_request, _reply, done) =>
    withStripeBudget(config.STRIPE_REQUEST_BUDGET_MS, done),
  );
}

/**
 * The SDK's HTTP client, each try cut to what is left of the request's budget; with none left a try fails at
 * once as a timeout (the call may have been done by an earlier try: only its idempotency key can tell).
 */
export function budgetedHttpClient(
  inner: Stripe.HttpClient = Stripe.createNodeHttpClient(),
): Stripe.HttpClient {
  return {
    getClientName: () => `${inner.getClientName()}+budget`,
    makeRequest(host, port, path, method, headers, requestData, protocol, timeout) {
      const left = stripeBudgetLeft();
      if (left === null)
        return inner.makeRequest(host, port, path, method, headers, requestData, protocol, timeout);
      if (left <= 0) return Promise.reject(Stripe.HttpClient.makeTimeoutError());
      return inner.makeRequest(
        host,
        port,
        path,
        method,
        headers,
        requestData,
        protocol,
        Math.min(timeout, left),
      );
    },
  };
}

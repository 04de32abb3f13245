import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../http/errors.ts';
import type { RouteDeps, RouteModule, Router } from '../http/routing.ts';
import { expectsLivemode } from '../stripe/client.ts';
import { type Inbox, parseEvent } from './inbox.ts';
import { verifyStripeSignature } from './verify.ts';

declare module '../http/routing.ts' {
  interface AppServices {
    /** where verified Stripe events are stored before they are acknowledged */
    inbox: Inbox;
  }
}

const received = z.object({ received: z.literal(true), duplicate: z.boolean() });

/**
 * Verify → store (with its job, one transaction) → 200. 400 only for what Stripe's retry cannot fix (bad
 * signature, malformed body, wrong mode); 503 when storage fails, so Stripe retries and nothing is
 * acknowledged that was not stored.
 */
async function ingest(request: FastifyRequest, deps: RouteDeps, source: 'platform' | 'connect') {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) {
    throw new ApiError('body_empty', 'The webhook body is empty.');
  }
  const secrets = deps.services.stripe.webhookSecrets();
  if (secrets.length === 0) {
    throw new ApiError('service_unavailable', 'No STRIPE_WEBHOOK_SECRETS configured; cannot verify events.');
  }
  verifyStripeSignature(
    raw,
    request.headers['stripe-signature'],
    secrets,
    deps.config.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
  );
  const event = parseEvent(raw, source);
  if (event.livemode !== expectsLivemode(deps.config)) {
    throw new ApiError(
      'livemode_mismatch',
      `Received a ${event.livemode ? 'live' : 'test'} mode event, but Tributary runs in ${expectsLivemode(deps.config) ? 'live' : 'test'} mode.`,
      { param: 'livemode' },
    );
  }
  let stored: boolean;
  try {
    stored = await deps.services.inbox.store(event);
  } catch (err) {
    request.log.error({ err, event: event.id }, 'webhook storage failed; answering 503 so Stripe retries');
    throw new ApiError('service_unavailable', 'The event could not be stored; retry later.', { cause: err });
  }
  return { received: true as const, duplicate: !stored };
}

function register(app: Router, deps: RouteDeps): void {
  // The signature covers the exact bytes Stripe sent: keep the body raw, whatever its content type.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  const opts = {
    config: { auth: 'public' as const },
    schema: { tags: ['webhooks'], hide: true, response: { 200: received } },
  };
  // POST /webhooks/stripe — the platform account's events
  app.post('/webhooks/stripe', opts, (req) => ingest(req, deps, 'platform'));
  // POST /webhooks/stripe/connect — connected accounts' events, routed to the tenant owning `account`
  app.post('/webhooks/stripe/connect', opts, (req) => ingest(req, deps, 'connect'));
}

export const inboundWebhookRoutes: RouteModule = (app, deps) => {
  app.register(async (scoped) => register(scoped as unknown as Router, deps));
};

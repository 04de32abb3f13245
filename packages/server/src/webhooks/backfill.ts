import { isNotNull } from 'drizzle-orm';
import { requirePlatformScope } from '../auth/service.ts';
import type { Ctx } from '../context.ts';
import { tenants } from '../db/schema/index.ts';
import { withSystem } from '../db/tenant.ts';
import type { Jobs } from '../jobs/boss.ts';
import type { Stripe } from '../stripe/client.ts';
import type { StripeGateway } from '../stripe/gateway.ts';
import { type InboundEvent, insertEvents } from './inbox.ts';
import { storableEvent } from './stored-payload.ts';

function rawOf(e: Stripe.Event): Buffer | null {
  try {
    return Buffer.from(JSON.stringify(e));
  } catch {
    return null; // nested too deep to serialize again; the summary stored is all there is
  }
}

function toInbound(e: Stripe.Event, account: string | null): InboundEvent {
  return {
    id: e.id,
    type: e.type,
    account: e.account ?? account,
    source: 'backfill',
    kind: 'snapshot',
    livemode: e.livemode,
    created: e.created,
    apiVersion: e.api_version ?? null,
    // listed, not signed: what Stripe sent, as closely as the parsed event gives it back
    ...storableEvent(e as unknown as Record<string, unknown>, () => rawOf(e)),
  };
}

/**
 * `tributary sync events --since`: pulls missed events from Stripe's /v1/events (Stripe keeps 30 days) for
 * the platform and for every connected account (Stripe-Account), each page stored like a delivery: events
 * already in the inbox are skipped, new ones get their job. Stripe is read between transactions, never in one.
 */
export async function backfillEvents(
  ctx: Ctx,
  stripe: StripeGateway,
  jobs: Jobs,
  since: Date,
): Promise<{ accounts: number; seen: number; stored: number }> {
  requirePlatformScope(ctx.actor, 'events:write');
  const accounts = new Set<string>();
  const known = await withSystem(ctx.db, 'webhooks.operator_events', (tx) =>
    tx.select({ a: tenants.stripeAccountId }).from(tenants).where(isNotNull(tenants.stripeAccountId)),
  );
  for (const r of known) if (r.a) accounts.add(r.a);
  const connected = stripe.each(
    { action: 'list the connected accounts', account: null, movesMoney: false },
    (s, opts) => s.accounts.list({ limit: 100 }, opts),
  );
  for await (const a of connected) accounts.add(a.id);
  let seen = 0;
  let stored = 0;
  const gte = Math.floor(since.getTime() / 1000);
  for (const account of [null, ...accounts]) {
    let page: Stripe.Event[] = [];
    const flush = async () => {
      if (page.length === 0) return;
      const batch = page;
      page = [];
      const ids = await withSystem(ctx.db, 'webhooks.ingest', (tx) =>
        insertEvents(
          tx,
          jobs,
          ctx.config,
          batch.map((e) => toInbound(e, account)),
        ),
      );
      stored += ids.size;
    };
    const list = stripe.each({ action: 'list the events', account, movesMoney: false }, (s, opts) =>
      s.events.list({ created: { gte }, limit: 100 }, opts),
    );
    for await (const e of list) {
      seen++;
      page.push(e);
      if (page.length >= 100) await flush();
    }
    await flush();
  }
  return { accounts: accounts.size, seen, stored };
}

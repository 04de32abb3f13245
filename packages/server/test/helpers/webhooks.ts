import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';
import type { TestApp } from './app.ts';
import { TEST_WEBHOOK_SECRET } from './app.ts';

const sdk = new Stripe('sk_test_helpers');

let seq = 0;
/** A realistic snapshot event (~3.5 KB like Stripe's payment_intent events). */
export function fakeEvent(
  over: { id?: string; type?: string; account?: string | null; created?: number; object?: object } = {},
): Record<string, unknown> {
  const id =
    over.id ?? `evt_test${Date.now().toString(36)}${(++seq).toString(36)}${randomBytes(4).toString('hex')}`;
  return {
    id,
    object: 'event',
    api_version: '2025-10-29.clover',
    created: over.created ?? Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: `req_${randomBytes(7).toString('hex')}`, idempotency_key: null },
    type: over.type ?? 'tributary.test_unhandled',
    ...(over.account ? { account: over.account } : {}),
    data: {
      object: over.object ?? {
        id: `pi_${randomBytes(12).toString('hex')}`,
        object: 'payment_intent',
        amount: 2000,
        currency: 'usd',
        status: 'succeeded',
        description: 'x'.repeat(2600),
        metadata: { order_id: String(seq) },
      },
    },
  };
}

export function sign(payload: string, secret = TEST_WEBHOOK_SECRET, timestamp?: number): string {
  return sdk.webhooks.generateTestHeaderString({ payload, secret, timestamp });
}

/** Delivers `event` to the app as Stripe would: the exact JSON bytes, signed. */
export function deliver(
  t: Pick<TestApp, 'app'>,
  event: Record<string, unknown> | string,
  opts: { path?: string; secret?: string; header?: string | null; timestamp?: number } = {},
) {
  const payload = typeof event === 'string' ? event : JSON.stringify(event);
  const header = opts.header === undefined ? sign(payload, opts.secret, opts.timestamp) : opts.header;
  return t.app.inject({
    method: 'POST',
    url: opts.path ?? '/webhooks/stripe',
    headers: {
      'content-type': 'application/json',
      ...(header === null ? {} : { 'stripe-signature': header }),
    },
    payload,
  });
}

/** Runs SQL as the database owner (PGlite's one session drops to the app role after migrating). */
export async function ownerSql(database: TestApp['database'], text: string): Promise<void> {
  if (database.pglite) {
    await database.pglite.exec(`RESET ROLE; ${text}; SET ROLE tributary_app;`);
  } else {
    await database.ownerExec(text);
  }
}

/** Reads across tenants (RLS bypassed) for assertions. */
export async function systemRows<T>(database: TestApp['database'], text: string): Promise<T[]> {
  const { withSystem } = await import('../../src/db/tenant.ts');
  const { sql } = await import('drizzle-orm');
  return withSystem(database.db, 'webhooks.operator_events', async (tx) => {
    const res = (await tx.execute(sql.raw(text))) as unknown as { rows: T[] };
    return res.rows;
  });
}

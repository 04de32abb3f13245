import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import type { Logger } from '../logger.ts';
import { idOf } from '../stripe/ids.ts';
import type { StripeObject } from './registry.ts';

/**
 * Which platform-account events are the platform billing its tenants (docs/platform-billing.md): an
 * `invoice.*`, `customer.subscription.*`, `customer.discount.*` or `setup_intent.succeeded` event (the types of
 * `platformBillingHandlers`) with no `account` whose object's customer is a tenant's
 * billing customer (`tenant_billing.stripe_customer_id`, which only Tributary writes, from the customer it
 * made on the platform account). Metadata is never read: a Standard-like tenant can write
 * `tributary_kind=platform_plan` on its own invoices, and an Express-like tenant's customers live on the
 * platform account too. The customer of an invoice or a subscription never changes, so the object's own
 * `customer` (refetched or as delivered) decides. A test clock's event (`test_helpers.test_clock.ready`) goes to
 * the tenant whose open dunning case runs on that clock (its billing customer's), if any.
 */
export interface BillingCandidate {
  eventId: string;
  /** the tenant recorded on the event already (a replay), or null */
  tenantId: string | null;
  object: StripeObject | Record<string, unknown> | undefined;
}

/**
 * The tenant of each candidate that is platform billing, recorded on the event (and its earlier attempts)
 * as route.ts records routed tenants, in one system transaction that reads `tenant_billing` and writes only
 * `tenant_id`. An event already recorded as another tenant's is left out (and logged): it then applies as
 * before, never as billing.
 */
export async function platformBillingTenants(
  db: Db,
  log: Logger,
  candidates: readonly BillingCandidate[],
): Promise<Map<string, string>> {
  const customerOf = new Map<string, string>();
  const clockOf = new Map<string, string>();
  for (const c of candidates) {
    const customer = idOf(c.object?.customer);
    if (customer) customerOf.set(c.eventId, customer);
    else if (c.object?.object === 'test_helpers.test_clock' && typeof c.object.id === 'string')
      clockOf.set(c.eventId, c.object.id);
  }
  if (customerOf.size === 0 && clockOf.size === 0) return new Map();
  return withSystem(db, 'webhooks.route', async (tx) => {
    const ids = JSON.stringify([...new Set(customerOf.values())]);
    const rows = await queryRows<{ tenant_id: string; customer: string }>(
      tx,
      sql`select b.tenant_id::text as tenant_id, b.stripe_customer_id as customer from tenant_billing b
          where b.stripe_customer_id in (select jsonb_array_elements_text(${ids}::jsonb))`,
    );
    const tenantOf = new Map(rows.map((r) => [r.customer, r.tenant_id]));
    // a test clock's event goes to the tenant whose open dunning case runs on that clock
    const clocks = JSON.stringify([...new Set(clockOf.values())]);
    const clocked = await queryRows<{ tenant_id: string; clock: string }>(
      tx,
      sql`select distinct on (d.test_clock) d.tenant_id::text as tenant_id, d.test_clock as clock
          from dunning_cases d
          where d.phase <> 'closed' and d.test_clock in (select jsonb_array_elements_text(${clocks}::jsonb))
          order by d.test_clock, d.opened_at`,
    );
    for (const r of clocked) tenantOf.set(r.clock, r.tenant_id);
    for (const [event, clock] of clockOf) customerOf.set(event, clock);
    const decided = new Map<string, string>();
    for (const c of candidates) {
      const tenant = tenantOf.get(customerOf.get(c.eventId) ?? '');
      if (!tenant) continue;
      if (c.tenantId && c.tenantId !== tenant) {
        log.warn(
          { event: c.eventId, recorded: c.tenantId, billing: tenant },
          "platform billing event recorded as another tenant's: not applied as billing",
        );
        continue;
      }
      decided.set(c.eventId, tenant);
    }
    const pairs = JSON.stringify([...decided].map(([id, tenant]) => ({ id, tenant })));
    if (decided.size > 0) {
      await tx.execute(sql`
        update stripe_events e set tenant_id = x.tenant
        from jsonb_to_recordset(${pairs}::jsonb) as x(id text, tenant uuid)
        where e.id = x.id and e.tenant_id is null and e.account is null`);
      await tx.execute(sql`
        update stripe_event_attempts a set tenant_id = x.tenant
        from jsonb_to_recordset(${pairs}::jsonb) as x(id text, tenant uuid)
        where a.event_id = x.id and a.tenant_id is null`);
    }
    return decided;
  });
}

// Who the customers behind a movement are (docs/analytics.md, "Dashboard"): the platform's customers are its
// tenants, a tenant's are its customers as Tributary mirrors them. The drill-down answer names them so the
// dashboard can show and link them rather than a bare Stripe customer id.
import { sql } from 'drizzle-orm';
import type { Ctx } from '../context.ts';
import { queryRows } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import { toPublicId } from '../http/ids.ts';
import { requirePlatformScope } from '../scope/actor.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';

/** The Tributary object a Stripe customer of the history is: a tenant (platform) or a mirrored customer. */
export interface CustomerName {
  object: 'tenant' | 'customer';
  id: string;
  name: string | null;
}

/**
 * The tenants the platform's customers bill: each customer's latest change's `billed_tenant_id`. Only ids from
 * the platform's own history rows are followed, to the tenants they name.
 */
export async function platformCustomerNames(
  ctx: Ctx,
  customers: readonly string[],
): Promise<Map<string, CustomerName>> {
  requirePlatformScope(ctx.actor, 'analytics:read');
  if (customers.length === 0) return new Map();
  const rows = await withSystem(ctx.db, 'operator.analytics', (tx) =>
    queryRows<{ customer: string; tenant: string; name: string }>(
      tx,
      sql`select distinct on (c.stripe_customer_id) c.stripe_customer_id as customer, t.id as tenant, t.name
          from platform_mrr_changes c join tenants t on t.id = c.billed_tenant_id
          where c.stripe_customer_id in (${sql.join(
            customers.map((c) => sql`${c}`),
            sql`, `,
          )})
          order by c.stripe_customer_id, c.at desc`,
    ),
  );
  return new Map(
    rows.map((r) => [r.customer, { object: 'tenant', id: toPublicId('tenant', r.tenant), name: r.name }]),
  );
}

/** The tenant's customers as Tributary mirrors them (its own rows only), by their Stripe id. */
export async function tenantCustomerNames(
  scope: TenantScope,
  customers: readonly string[],
): Promise<Map<string, CustomerName>> {
  if (customers.length === 0) return new Map();
  const rows = await inTenant(scope, 'analytics:read', (tx) =>
    queryRows<{ customer: string; id: string; name: string | null; email: string | null }>(
      tx,
      sql`select stripe_customer_id as customer, id, name, email from customers
          where tenant_id = ${scope.tenantId}::uuid and not deleted
            and stripe_customer_id in (${sql.join(
              customers.map((c) => sql`${c}`),
              sql`, `,
            )})`,
    ),
  );
  return new Map(
    rows.map((r) => [
      r.customer,
      { object: 'customer', id: toPublicId('customer', r.id), name: r.name ?? r.email },
    ]),
  );
}

import { and, eq, isNull } from 'drizzle-orm';
import { tenantBilling } from '../../db/schema/index.ts';
import { ApiError } from '../../http/errors.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { StripeRef } from '../../stripe/client.ts';
import { ownerEmails, tenantRowIn } from '../../tenants/service.ts';
import { billingOf } from '../core.ts';
import { createPlatformCustomer } from '../tenant-plan/stripe-calls.ts';

// The tenant's billing customer on the platform account (`tenant_billing.stripe_customer_id`): the one a plan
// change makes, or, when the tenant adds a payment method or is credited first, made here with the same
// idempotency key (`platform_customer:<tenant>:1`), so both paths reach one customer.

export interface AccountDeps {
  stripe: StripeRef;
}

/** The tenant's billing customer, or null when it has none yet (nothing billed, nothing saved). */
export function customerOf(
  scope: TenantScope,
  need: 'billing:read' | 'billing:write',
): Promise<string | null> {
  return inTenant(scope, need, async (tx) => (await billingOf(tx, scope.tenantId))?.stripeCustomerId ?? null);
}

/** The tenant's billing customer, made now if it has none. */
export async function ensureCustomer(scope: TenantScope, deps: AccountDeps): Promise<string> {
  const known = await inTenant(scope, 'billing:write', async (tx) => {
    const row = await billingOf(tx, scope.tenantId);
    if (!row)
      throw new ApiError(
        'billing_not_configured',
        'The platform has no plan for this tenant yet (no default plan): its billing account cannot be set up.',
      );
    if (row.stripeCustomerId) return { customer: row.stripeCustomerId };
    const tenant = await tenantRowIn(tx, scope.tenantId);
    // Stripe mails the plan's invoices there: the billing contact once verified, else an owner
    const contact = tenant?.billingContactVerifiedAt ? tenant.billingContactEmail : null;
    const email = contact ?? (await ownerEmails(tx, scope.tenantId))[0] ?? null;
    return { customer: null, name: tenant?.name ?? scope.publicId, email };
  });
  if (known.customer) return known.customer;
  const made = await createPlatformCustomer(deps.stripe, {
    tenantId: scope.tenantId,
    tenantPublicId: scope.publicId,
    name: known.name ?? scope.publicId,
    email: known.email ?? null,
  });
  return inTenant(scope, 'billing:write', async (tx) => {
    // only where none is kept (the same key made the same customer); updated_at untouched: it versions the
    // plan's idempotency keys
    const [row] = await tx.select().from(tenantBilling).where(eq(tenantBilling.tenantId, scope.tenantId));
    if (row?.stripeCustomerId) return row.stripeCustomerId;
    await tx
      .update(tenantBilling)
      .set({ stripeCustomerId: made.id, updatedAt: row!.updatedAt })
      .where(and(eq(tenantBilling.tenantId, scope.tenantId), isNull(tenantBilling.stripeCustomerId)));
    return made.id;
  });
}

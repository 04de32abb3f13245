import { z } from 'zod';
import { withTenant } from '../../db/tenant.ts';
import { defineFollowup, type FollowupIn, type JobDeps } from '../../jobs/define.ts';
import { insertAudit } from '../../scope/audit.ts';
import { billingOf } from '../core.ts';
import { defaultMethodOf, methodOfCustomer, retrieveCustomer, setDefaultMethod } from './stripe-calls.ts';

/**
 * Makes a method the tenant saved on Stripe's page its default when its billing customer has none. Idempotent
 * under retries: decided again from Stripe's state each time (a default set meanwhile is never replaced), and
 * the update's key is derived from tenant + method.
 */
async function setFirstPlatformDefault(
  deps: JobDeps,
  job: { tenantId: string; stripePaymentMethodId: string },
): Promise<void> {
  const customer = await withTenant(
    deps.db,
    job.tenantId,
    async (tx) => (await billingOf(tx, job.tenantId))?.stripeCustomerId ?? null,
  );
  if (!customer) return;
  const current = await retrieveCustomer(deps.stripe, customer);
  if (!current || defaultMethodOf(current)) return;
  // detached again (or never this customer's): nothing to make the default
  const pm = await methodOfCustomer(deps.stripe, customer, job.stripePaymentMethodId);
  if (!pm) return;
  await setDefaultMethod(deps.stripe, { tenantId: job.tenantId, customer, pm: pm.id, first: true });
  await withTenant(deps.db, job.tenantId, (tx) =>
    insertAudit(tx, { kind: 'system', label: 'billing-followup' }, `job_platform_default_${pm.id}`, {
      tenantId: job.tenantId,
      action: 'billing.default_payment_method_set',
      data: { payment_method: pm.id, reason: 'first saved method' },
    }),
  );
}

/** The billing account's `billing-followup` kinds. */
export const accountFollowups = [
  defineFollowup({
    kind: 'platform_default_payment_method',
    fields: { tenantId: z.guid(), stripePaymentMethodId: z.string().min(1).max(255) },
    handle: async (deps, job) => {
      await setFirstPlatformDefault(deps, job);
    },
  }),
] as const;

declare module '../../jobs/define.ts' {
  interface FollowupKinds {
    billingAccount: FollowupIn<(typeof accountFollowups)[number]>;
  }
}

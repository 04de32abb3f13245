import { ApiError } from '../../http/errors.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import { type AccountDeps, customerOf, ensureCustomer } from './customer.ts';
import {
  createSetupSession,
  defaultMethodOf,
  detachMethod,
  hasOpenInvoice,
  listMethods,
  methodOfCustomer,
  retrieveCustomer,
  setDefaultMethod,
} from './stripe-calls.ts';

// The tenant's payment methods with the platform: saved on its billing customer through Stripe's hosted page,
// listed, made the default, removed. Stripe keeps them (no card data here); every `pm_…` a request names is
// checked to be saved on the tenant's customer at Stripe before it is used.

export type MethodType = 'card' | 'us_bank_account';

export interface MethodView {
  pm: Stripe.PaymentMethod;
  isDefault: boolean;
}

const notFound = (pm: string) => ApiError.notFound('payment method', pm, 'payment_method');

/** Stripe's hosted page adding a card (3-D Secure on the page) or a US bank account, back to the dashboard. */
export async function openSetupPage(
  scope: TenantScope,
  deps: AccountDeps,
  input: { type?: MethodType },
): Promise<{ id: string; url: string; expiresAt: number }> {
  const customer = await ensureCustomer(scope, deps);
  const billingPage = `${scope.config.publicUrl}/tenants/${scope.publicId}/billing`;
  const session = await createSetupSession(deps.stripe, {
    tenantId: scope.tenantId,
    tenantPublicId: scope.publicId,
    customer,
    // the page confirms the session it came back from (confirm-setup.ts): in dunning the method pays at once
    successUrl: `${billingPage}?payment_method=added&checkout_session={CHECKOUT_SESSION_ID}`,
    cancelUrl: `${billingPage}?payment_method=canceled`,
    types: input.type ? [input.type] : ['card', 'us_bank_account'],
  });
  await inTenant(scope, 'billing:write', (tx) =>
    scope.audit(tx, {
      action: 'billing.payment_method_setup_opened',
      data: { checkout_session: session.id, types: input.type ? [input.type] : ['card', 'us_bank_account'] },
    }),
  );
  return { id: session.id, url: session.url!, expiresAt: session.expires_at };
}

/** The saved methods, the default first. */
export async function listPaymentMethods(scope: TenantScope, deps: AccountDeps): Promise<MethodView[]> {
  const customer = await customerOf(scope, 'billing:read');
  if (!customer) return [];
  const [c, methods] = await Promise.all([
    retrieveCustomer(deps.stripe, customer),
    listMethods(deps.stripe, customer),
  ]);
  const def = defaultMethodOf(c);
  return methods
    .map((pm) => ({ pm, isDefault: pm.id === def }))
    .sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || b.pm.created - a.pm.created);
}

/** The method `pm` of the tenant's customer, read at Stripe; anything else is the same 404. */
async function ownMethod(scope: TenantScope, deps: AccountDeps, pm: string) {
  if (!/^pm_[A-Za-z0-9]{1,250}$/.test(pm)) throw notFound(pm);
  const customer = await customerOf(scope, 'billing:write');
  if (!customer) throw notFound(pm);
  const method = await methodOfCustomer(deps.stripe, customer, pm);
  if (!method) throw notFound(pm);
  return { customer, method };
}

export async function makeDefault(scope: TenantScope, deps: AccountDeps, pm: string): Promise<MethodView> {
  const { customer, method } = await ownMethod(scope, deps, pm);
  await setDefaultMethod(deps.stripe, { tenantId: scope.tenantId, customer, pm: method.id, first: false });
  await inTenant(scope, 'billing:write', (tx) =>
    scope.audit(tx, { action: 'billing.default_payment_method_set', data: { payment_method: method.id } }),
  );
  return { pm: method, isDefault: true };
}

/**
 * Removes a method. The only one while a plan invoice is open is refused: Stripe's next attempt would have
 * nothing to charge. Removing the default leaves the customer with none (Stripe clears it on detach).
 */
export async function removeMethod(scope: TenantScope, deps: AccountDeps, pm: string): Promise<MethodView> {
  const { customer, method } = await ownMethod(scope, deps, pm);
  const methods = await listMethods(deps.stripe, customer);
  if (methods.every((m) => m.id === method.id) && (await hasOpenInvoice(deps.stripe, customer))) {
    throw new ApiError(
      'only_payment_method_with_open_invoice',
      'This is the only payment method and a plan invoice is open: add another method before removing it.',
      { param: 'payment_method' },
    );
  }
  const c = await retrieveCustomer(deps.stripe, customer);
  const wasDefault = defaultMethodOf(c) === method.id;
  const detached = await detachMethod(deps.stripe, method.id);
  await inTenant(scope, 'billing:write', (tx) =>
    scope.audit(tx, {
      action: 'billing.payment_method_removed',
      data: { payment_method: method.id, was_default: wasDefault },
    }),
  );
  return { pm: detached, isDefault: false };
}

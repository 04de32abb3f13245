import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe } from '../../stripe/client.ts';
import { type AccountDeps, customerOf, ensureCustomer } from './customer.ts';
import type { ContactBody } from './schemas.ts';
import { retrieveCustomer, updateContact } from './stripe-calls.ts';

// Who the platform's invoices are for: the name, e-mail and address on the tenant's Stripe customer (Stripe
// prints them on the invoices and mails them there). Stripe keeps them; nothing is copied to our rows.

export async function getContact(scope: TenantScope, deps: AccountDeps): Promise<Stripe.Customer | null> {
  const customer = await customerOf(scope, 'billing:read');
  return customer ? retrieveCustomer(deps.stripe, customer) : null;
}

export async function setContact(
  scope: TenantScope,
  deps: AccountDeps,
  body: ContactBody,
): Promise<Stripe.Customer> {
  const customer = await ensureCustomer(scope, deps);
  const a = body.address;
  const updated = await updateContact(deps.stripe, customer, {
    email: body.email,
    name: body.name,
    address: a
      ? {
          line1: a.line1,
          line2: a.line2 ?? '',
          city: a.city,
          state: a.state ?? '',
          postal_code: a.postal_code,
          country: a.country,
        }
      : null,
  });
  await inTenant(scope, 'billing:write', (tx) =>
    scope.audit(tx, {
      action: 'billing.contact_updated',
      data: { email: body.email, name: body.name, country: a?.country ?? null },
    }),
  );
  return updated;
}

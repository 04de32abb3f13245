import { ApiError } from '../../http/errors.ts';
import type { Jobs } from '../../jobs/define.ts';
import type { Logger } from '../../logger.ts';
import { inTenant, type TenantScope } from '../../scope/tenant.ts';
import type { Stripe, StripeRef } from '../../stripe/client.ts';
import { idOf } from '../../stripe/ids.ts';
import { billingOf } from '../core.ts';
import { attemptWithNewMethod, type NewMethodOutcome } from '../dunning/service.ts';
import { customerOf } from './customer.ts';
import type { MethodView } from './payment-methods.ts';
import {
  defaultMethodOf,
  methodOfCustomer,
  retrieveCustomer,
  retrieveSetupSession,
  setDefaultMethod,
} from './stripe-calls.ts';

// Back from Stripe's page adding a payment method (the dashboard's Billing page, the recovery page): the
// session is checked to be this tenant's and complete, and during dunning the saved method pays what the case
// owes in the same request, so the answer already says whether the tenant is `active` again. The
// `setup_intent.succeeded` follow-up asks for the same attempt; whichever comes first makes it (once per case
// and method), and a confirmation asked again answers what that attempt came to.

export interface ConfirmDeps {
  stripe: StripeRef;
  jobs: Jobs;
}

export interface Confirmed {
  method: MethodView;
  attempt: NewMethodOutcome;
  /** the tenant's billing state after the attempt */
  state: string;
}

const SESSION_ID = /^cs_[A-Za-z0-9_]{1,250}$/;

/** The page did not save a method (yet): open, expired, or its SetupIntent still asking the bank. */
const incomplete = (code: 'recovery_setup_incomplete' | 'payment_method_setup_incomplete', status: string) =>
  new ApiError(
    code,
    status === 'expired'
      ? "Stripe's page expired before a payment method was saved: add it again."
      : "Stripe's page has not saved a payment method yet: finish adding it there, then come back.",
    { param: 'checkout_session' },
  );

/** The setup session `id`, only as the tenant customer's complete setup page, with the method it saved. */
async function savedBy(
  deps: ConfirmDeps,
  customer: string | null,
  id: string,
  via: 'dashboard' | 'recovery_link',
): Promise<{ pm: string }> {
  const missing = ApiError.notFound('checkout session', id, 'checkout_session');
  if (!customer || !SESSION_ID.test(id)) throw missing;
  const session = await retrieveSetupSession(deps.stripe, id);
  // another customer's session (another tenant's), a payment page: the same 404 as none at all
  if (session?.mode !== 'setup' || idOf(session.customer) !== customer) throw missing;
  const si = session.setup_intent as Stripe.SetupIntent | string | null;
  const intent = si && typeof si === 'object' ? si : null;
  const pm = idOf(intent?.payment_method);
  if (session.status !== 'complete' || intent?.status !== 'succeeded' || !pm)
    throw incomplete(
      via === 'recovery_link' ? 'recovery_setup_incomplete' : 'payment_method_setup_incomplete',
      session.status ?? 'open',
    );
  return { pm };
}

/**
 * Confirms the setup page `checkoutSession` of the tenant: while a dunning case is open, the method it saved
 * is tried on what the case owes at once (`attemptWithNewMethod`). The method becomes the default when the
 * customer has none, or when it just paid what was owed (the failing default would fail the next renewal).
 */
export async function confirmSetup(
  scope: TenantScope,
  deps: ConfirmDeps,
  input: { checkoutSession: string; via: 'dashboard' | 'recovery_link' },
): Promise<Confirmed> {
  const customer = await customerOf(scope, 'billing:write');
  const { pm } = await savedBy(deps, customer, input.checkoutSession, input.via);
  const method = await methodOfCustomer(deps.stripe, customer!, pm);
  // removed again since it was saved
  if (!method) throw ApiError.notFound('payment method', pm, 'payment_method');
  const attempt = await attemptWithNewMethod(
    // Fastify's request logger is pino's
    { db: scope.db, config: scope.config, stripe: deps.stripe, jobs: deps.jobs, log: scope.log as Logger },
    scope.tenantId,
    method.id,
  );
  const current = defaultMethodOf(await retrieveCustomer(deps.stripe, customer!));
  const makeDefault = current !== method.id && (current === null || attempt.kind === 'paid');
  if (makeDefault)
    await setDefaultMethod(deps.stripe, {
      tenantId: scope.tenantId,
      customer: customer!,
      pm: method.id,
      first: true,
    });
  const state = await inTenant(scope, 'billing:write', async (tx) => {
    await scope.audit(tx, {
      action: 'billing.payment_method_setup_confirmed',
      data: {
        checkout_session: input.checkoutSession,
        payment_method: method.id,
        attempt: attempt.kind,
        decline_code: attempt.kind === 'declined' ? attempt.declineCode : null,
        made_default: makeDefault,
        via: input.via,
      },
    });
    return (await billingOf(tx, scope.tenantId))?.state ?? 'active';
  });
  return { method: { pm: method, isDefault: makeDefault || current === method.id }, attempt, state };
}

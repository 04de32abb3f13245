// Customer portal sessions: a URL to a minimal hosted page (pages/portal.ts) where the customer updates
// the default payment method and cancels subscriptions.

import type { PortalFlow, PortalSession } from '../objects/subscriptions.ts';
import type { Router } from '../router.ts';
import { newId, nowSeconds, randomString } from '../wire/ids.ts';
import { hash, str, validate } from '../wire/schema.ts';
import { requireCustomer } from './customers/model.ts';

export function registerPortal(r: Router): void {
  r.post('/v1/billing_portal/sessions', (ctx) => {
    const p = validate(
      {
        customer: str,
        customer_account: str,
        configuration: str,
        flow_data: hash,
        locale: str,
        on_behalf_of: str,
        return_url: str,
      },
      ctx.params,
      ['customer'],
    );
    const cus = requireCustomer(ctx, p.customer, 'customer');
    const secret = randomString(32);
    const session: PortalSession = {
      id: newId('bps'),
      object: 'billing_portal.session',
      configuration: p.configuration ?? `bpc_${randomString(24)}`,
      created: nowSeconds(),
      customer: cus.id,
      customer_account: null,
      flow: flowOf(p.flow_data as Record<string, unknown> | undefined),
      livemode: false,
      locale: p.locale ?? null,
      on_behalf_of: p.on_behalf_of ?? null,
      return_url: p.return_url ?? null,
      url: `${ctx.app.config.publicUrl}/p/session/${secret}`,
    };
    ctx.app.store.insert(ctx.account, session);
    ctx.app.store
      .table<{ owner: string; session: string }>('portal_secrets')
      .set(secret, { owner: ctx.account, session: session.id });
    return session;
  });
}

/**
 * `flow_data` as Stripe keeps it on the session: the flow's type and what follows its completion (by
 * default the portal's homepage, with every feature the portal offers).
 */
function flowOf(data: Record<string, unknown> | undefined): PortalFlow | null {
  if (!data?.type) return null;
  const ac = (data.after_completion ?? {}) as Record<string, Record<string, unknown> | string | undefined>;
  const type = (ac.type as PortalFlow['after_completion']['type'] | undefined) ?? 'portal_homepage';
  const hosted = ac.hosted_confirmation as Record<string, unknown> | undefined;
  const redirect = ac.redirect as Record<string, unknown> | undefined;
  return {
    type: String(data.type),
    after_completion: {
      type,
      hosted_confirmation:
        type === 'hosted_confirmation'
          ? { custom_message: hosted?.custom_message ? String(hosted.custom_message) : null }
          : null,
      redirect:
        type === 'redirect' && redirect?.return_url ? { return_url: String(redirect.return_url) } : null,
    },
  };
}

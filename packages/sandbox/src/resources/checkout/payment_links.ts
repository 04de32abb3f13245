// Payment Links: the link's URL (`/b/test_…`) opens a new Checkout Session on every visit.
import type { App, Ctx } from '../../app.ts';
import { requireOwn } from '../../lookup.ts';
import type { CheckoutSession, PaymentLink } from '../../objects/checkout.ts';
import { requirePrice } from '../products/prices.ts';
import type { PaymentIntentData, SubscriptionData } from './params.ts';
import { newSession } from './sessions.ts';

export function requireLink(ctx: Ctx, id: string): PaymentLink {
  return requireOwn(ctx, 'payment_link', id, 'id');
}

/** What a link keeps for the sessions it opens. */
export interface LinkData {
  items: { price: string; quantity: number }[];
  pid: PaymentIntentData | null;
  sd: SubscriptionData | null;
}

export function linkData(app: App) {
  return app.store.table<LinkData>('payment_link_data');
}

export function linkTokens(app: App) {
  return app.store.table<{ owner: string; link: string }>('payment_link_tokens');
}

/** A new session for one visit to a payment link's URL. */
export function sessionForLink(ctx: Ctx, link: PaymentLink): CheckoutSession {
  const data = linkData(ctx.app).get(link.id)!;
  const items = data.items.map((i) => ({ price: requirePrice(ctx, i.price), quantity: i.quantity }));
  const mode = items.some((i) => i.price.type === 'recurring') ? 'subscription' : 'payment';
  const pid: PaymentIntentData = { ...data.pid };
  if (link.application_fee_amount != null) pid.application_fee_amount = link.application_fee_amount;
  const td = link.transfer_data;
  if (td) pid.transfer_data = { destination: td.destination, amount: td.amount ?? null };
  if (link.on_behalf_of) pid.on_behalf_of = link.on_behalf_of;
  return newSession(ctx, {
    mode,
    items,
    success_url: null,
    cancel_url: null,
    customer: null,
    customer_email: null,
    client_reference_id: null,
    metadata: { ...link.metadata },
    payment_intent_data: pid,
    subscription_data: data.sd,
    expires_at: null,
    payment_link: link.id,
    customer_creation: link.customer_creation,
    currency: null,
    application_fee_percent: link.application_fee_percent ?? null,
  });
}

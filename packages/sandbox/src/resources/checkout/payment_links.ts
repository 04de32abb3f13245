// Payment Links: the link's URL (`/b/test_…`) opens a new Checkout Session on every visit.
import type { App, Ctx } from '../../app.ts';
import type { Obj } from '../../store.ts';
import { notFound } from '../../wire/errors.ts';
import type { Params } from '../../wire/schema.ts';
import { requirePrice } from '../products.ts';
import { newSession } from './sessions.ts';

export function requireLink(ctx: Ctx, id: string): Obj {
  const l = ctx.app.store.get(ctx.account, id, 'payment_link');
  if (!l) throw notFound('payment_link', id, 'id');
  return l;
}

export function linkTokens(app: App) {
  return app.store.table<{ owner: string; link: string }>('payment_link_tokens');
}

/** A new session for one visit to a payment link's URL. */
export function sessionForLink(ctx: Ctx, link: Obj): Obj {
  const data = ctx.app.store
    .table<{ items: { price: string; quantity: number }[]; pid: Params | null; sd: Params | null }>(
      'payment_link_data',
    )
    .get(link.id)!;
  const items = data.items.map((i) => ({ price: requirePrice(ctx, i.price), quantity: i.quantity }));
  const mode = items.some((i) => i.price.type === 'recurring') ? 'subscription' : 'payment';
  const pid: Params = { ...(data.pid ?? {}) };
  if (link.application_fee_amount != null) pid.application_fee_amount = link.application_fee_amount;
  const td = link.transfer_data as Params | null;
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
    metadata: { ...(link.metadata as Record<string, string>) },
    payment_intent_data: pid,
    subscription_data: data.sd,
    expires_at: null,
    payment_link: link.id,
    customer_creation: link.customer_creation as string,
    currency: null,
    application_fee_percent: (link.application_fee_percent as number | null) ?? null,
  });
}

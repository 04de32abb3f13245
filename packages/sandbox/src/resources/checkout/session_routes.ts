// /v1/checkout/sessions: create (payment, subscription, setup), retrieve, line_items, expire, update, list.
import type { Router } from '../../router.ts';
import { isConnected } from '../../wire/auth.ts';
import { invalidRequest } from '../../wire/errors.ts';
import { nowSeconds } from '../../wire/ids.ts';
import { matchesSent, paginate } from '../../wire/list.ts';
import {
  any,
  arr,
  bool,
  enm,
  hash,
  int,
  listParams,
  mergeMetadata,
  metadata,
  str,
  validate,
} from '../../wire/schema.ts';
import { requireCustomer } from '../customers/model.ts';
// Sessions paid on the hosted page follow their bank debits: completion's payment hooks load with the routes.
import './complete.ts';
import { buildItems, itemsTable } from './items.ts';
import { lineItemShape, pidShape, sdShape, sidShape } from './params.ts';
import { expire, newSession, requireSession } from './sessions.ts';

export function registerCheckoutSessions(r: Router): void {
  r.post('/v1/checkout/sessions', (ctx) => {
    const p = validate(
      {
        adaptive_pricing: hash,
        after_expiration: hash,
        allow_promotion_codes: bool,
        allowed_payment_method_types: arr(str),
        automatic_tax: hash,
        billing_address_collection: enm('auto', 'required'),
        cancel_url: str,
        client_reference_id: str,
        consent_collection: hash,
        currency: str,
        custom_fields: any,
        custom_text: hash,
        customer: str,
        customer_creation: enm('always', 'if_required'),
        customer_email: str,
        customer_update: hash,
        discounts: any,
        expires_at: int,
        invoice_creation: hash,
        line_items: arr(lineItemShape),
        locale: str,
        metadata,
        mode: enm('payment', 'setup', 'subscription'),
        payment_intent_data: pidShape,
        payment_method_collection: enm('always', 'if_required'),
        payment_method_configuration: str,
        payment_method_options: hash,
        payment_method_types: arr(str),
        phone_number_collection: hash,
        redirect_on_completion: str,
        return_url: str,
        setup_intent_data: sidShape,
        shipping_address_collection: hash,
        shipping_options: any,
        submit_type: str,
        subscription_data: sdShape,
        success_url: str,
        tax_id_collection: hash,
        ui_mode: enm('hosted', 'embedded', 'custom'),
      },
      ctx.params,
    );
    const mode = p.mode ?? 'payment';
    if (p.customer) requireCustomer(ctx, String(p.customer), 'customer');
    const items = buildItems(ctx, p.line_items);
    if (mode !== 'setup' && !items.length)
      throw invalidRequest(
        '`line_items` is required in `payment` and `subscription` mode.',
        'line_items',
        'parameter_missing',
      );
    if (mode === 'subscription' && !items.some((i) => i.price.type === 'recurring')) {
      throw invalidRequest(
        'You must provide at least one recurring price in `subscription` mode when using prices.',
        'line_items',
      );
    }
    if (mode === 'payment' && items.some((i) => i.price.type === 'recurring')) {
      throw invalidRequest(
        'You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.',
        'line_items',
      );
    }
    if (mode === 'setup' && !p.currency && !p.payment_method_types && !p.allowed_payment_method_types) {
      // Stripe asks for currency (or the payment method types) in setup mode.
      throw invalidRequest('Missing required param: currency.', 'currency', 'parameter_missing');
    }
    const sid = p.setup_intent_data;
    if (sid?.on_behalf_of && (!ctx.platform || !isConnected(ctx.app, sid.on_behalf_of))) {
      throw invalidRequest(
        `No such account: '${sid.on_behalf_of}'`,
        'setup_intent_data[on_behalf_of]',
        'resource_missing',
      );
    }
    const pid = p.payment_intent_data;
    if (pid?.application_fee_amount != null && ctx.platform && !pid.transfer_data?.destination) {
      throw invalidRequest(
        'Can only apply an application_fee_amount when the PaymentIntent is attempting a direct payment (using an OAuth key or Stripe-Account header) or destination payment (using `transfer_data[destination]`).',
        'payment_intent_data[application_fee_amount]',
      );
    }
    const now = nowSeconds();
    const exp = p.expires_at ?? null;
    if (exp != null && (exp < now + 30 * 60 || exp > now + 24 * 3600)) {
      throw invalidRequest(
        'The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.',
        'expires_at',
      );
    }
    const cs = newSession(ctx, {
      mode,
      items,
      success_url: p.success_url ?? null,
      cancel_url: p.cancel_url ?? null,
      customer: p.customer ?? null,
      customer_email: p.customer_email ?? null,
      client_reference_id: p.client_reference_id ?? null,
      metadata: mergeMetadata({}, p.metadata),
      payment_intent_data: pid ?? null,
      subscription_data: p.subscription_data ?? null,
      setup_intent_data: sid ? { ...sid, metadata: mergeMetadata({}, sid.metadata) } : null,
      payment_method_types: p.payment_method_types ?? null,
      allowed_payment_method_types: p.allowed_payment_method_types ?? null,
      expires_at: exp,
      payment_link: null,
      customer_creation: p.customer_creation ?? null,
      currency: p.currency ? String(p.currency).toLowerCase() : null,
      application_fee_percent: null,
    });
    return cs;
  });
  r.get('/v1/checkout/sessions/:id', (ctx) => {
    validate({}, ctx.params);
    return requireSession(ctx, ctx.path[0]!);
  });
  r.get('/v1/checkout/sessions/:id/line_items', (ctx) => {
    const p = validate(listParams, ctx.params);
    const cs = requireSession(ctx, ctx.path[0]!);
    return paginate(itemsTable(ctx.app).get(cs.id) ?? [], p, `/v1/checkout/sessions/${cs.id}/line_items`);
  });
  r.post('/v1/checkout/sessions/:id/expire', (ctx) => {
    validate({}, ctx.params);
    const cs = requireSession(ctx, ctx.path[0]!);
    expire(ctx, cs);
    return cs;
  });
  r.post('/v1/checkout/sessions/:id', (ctx) => {
    const p = validate(
      { metadata, collected_information: hash, line_items: any, shipping_options: any },
      ctx.params,
    );
    const cs = requireSession(ctx, ctx.path[0]!);
    if (p.metadata !== undefined) cs.metadata = mergeMetadata(cs.metadata, p.metadata);
    ctx.app.store.changed();
    return cs;
  });
  r.get('/v1/checkout/sessions', (ctx) => {
    const p = validate(
      {
        ...listParams,
        customer: str,
        customer_details: hash,
        payment_intent: str,
        payment_link: str,
        status: str,
        subscription: str,
        customer_account: str,
      },
      ctx.params,
    );
    return paginate(ctx.app.store.list(ctx.account, 'checkout.session'), p, '/v1/checkout/sessions', (o) =>
      matchesSent(o, p, ['customer', 'payment_intent', 'payment_link', 'status', 'subscription']),
    );
  });
}

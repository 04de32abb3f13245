// /v1/payment_links: create, retrieve, line_items, update, list.

import { changes, emit, snapshot } from '../../events.ts';
import type { AfterCompletion, PaymentLink } from '../../objects/checkout.ts';
import type { Router } from '../../router.ts';
import { invalidRequest, missingParam } from '../../wire/errors.ts';
import { newId, randomString } from '../../wire/ids.ts';
import { paginate } from '../../wire/list.ts';
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
  type Out,
  obj,
  str,
  validate,
} from '../../wire/schema.ts';
import { buildItems, itemObject, itemsTable } from './items.ts';
import { lineItemShape, pidShape, sdShape } from './params.ts';
import { linkData, linkTokens, requireLink } from './payment_links.ts';
import { noCustomText } from './sessions.ts';

const linkShape = {
  after_completion: obj({
    type: enm('hosted_confirmation', 'redirect'),
    hosted_confirmation: obj({ custom_message: str }),
    redirect: obj({ url: str }, ['url']),
  }),
  allow_promotion_codes: bool,
  application_fee_amount: int,
  application_fee_percent: any,
  automatic_tax: hash,
  billing_address_collection: enm('auto', 'required'),
  consent_collection: hash,
  currency: str,
  custom_fields: any,
  custom_text: hash,
  customer_creation: enm('always', 'if_required'),
  inactive_message: str,
  invoice_creation: hash,
  line_items: arr(lineItemShape),
  metadata,
  on_behalf_of: str,
  optional_items: any,
  payment_intent_data: pidShape,
  payment_method_collection: enm('always', 'if_required'),
  payment_method_types: arr(str),
  phone_number_collection: hash,
  restrictions: obj({ completed_sessions: obj({ limit: int }, ['limit']) }),
  shipping_address_collection: hash,
  shipping_options: any,
  submit_type: str,
  subscription_data: sdShape,
  tax_id_collection: hash,
  transfer_data: obj({ destination: str, amount: int }, ['destination']),
  active: bool,
  name_collection: hash,
};

type AfterCompletionParams = Out<typeof linkShape.after_completion>;

/** A link's `after_completion`: a redirect, or the hosted confirmation page (with its message). */
function afterCompletionOf(ac: AfterCompletionParams | undefined, message: string | null): AfterCompletion {
  if (ac?.type === 'redirect') {
    if (!ac.redirect) throw missingParam('after_completion[redirect]');
    return { redirect: { url: ac.redirect.url }, type: 'redirect' };
  }
  return { hosted_confirmation: { custom_message: message }, type: 'hosted_confirmation' };
}

export function registerPaymentLinks(r: Router): void {
  r.post('/v1/payment_links', (ctx) => {
    const p = validate(linkShape, ctx.params, ['line_items']);
    const items = buildItems(ctx, p.line_items);
    if (p.application_fee_amount != null && ctx.platform && !p.transfer_data) {
      throw invalidRequest(
        'Can only apply an application_fee_amount when the Payment Link is on a connected account (Stripe-Account) or has transfer_data[destination].',
        'application_fee_amount',
      );
    }
    const token = `test_${randomString(24)}`;
    const ac = p.after_completion;
    const limit = p.restrictions?.completed_sessions?.limit;
    const pid = p.payment_intent_data;
    const td = p.transfer_data;
    const link: PaymentLink = {
      id: newId('plink'),
      object: 'payment_link',
      active: p.active ?? true,
      after_completion: afterCompletionOf(ac, ac?.hosted_confirmation?.custom_message ?? null),
      allow_promotion_codes: p.allow_promotion_codes ?? false,
      application: ctx.platform ? null : ctx.app.config.connectClientId,
      application_fee_amount: p.application_fee_amount ?? null,
      application_fee_percent: p.application_fee_percent != null ? Number(p.application_fee_percent) : null,
      automatic_tax: { enabled: false, liability: null },
      billing_address_collection: p.billing_address_collection ?? 'auto',
      consent_collection: null,
      currency: items[0]?.price.currency ?? 'usd',
      custom_fields: [],
      custom_text: noCustomText(),
      customer_creation: p.customer_creation ?? 'if_required',
      inactive_message: p.inactive_message ?? null,
      invoice_creation: null,
      livemode: false,
      managed_payments: null,
      metadata: mergeMetadata({}, p.metadata),
      on_behalf_of: p.on_behalf_of ?? null,
      payment_intent_data: pid
        ? {
            capture_method: pid.capture_method ?? null,
            description: pid.description ?? null,
            metadata: mergeMetadata({}, pid.metadata),
            setup_future_usage: pid.setup_future_usage ?? null,
            statement_descriptor: pid.statement_descriptor ?? null,
            statement_descriptor_suffix: pid.statement_descriptor_suffix ?? null,
            transfer_group: pid.transfer_group ?? null,
          }
        : null,
      payment_method_collection: p.payment_method_collection ?? 'always',
      payment_method_options: null,
      payment_method_types: p.payment_method_types ?? null,
      phone_number_collection: { enabled: false },
      restrictions: limit != null ? { completed_sessions: { count: 0, limit } } : null,
      shipping_address_collection: null,
      shipping_options: [],
      submit_type: p.submit_type ?? 'auto',
      subscription_data: null,
      tax_id_collection: { enabled: false, required: 'never' },
      transfer_data: td ? { amount: td.amount ?? null, destination: td.destination } : null,
      url: `${ctx.app.config.publicUrl}/b/${token}`,
    };
    ctx.app.store.insert(ctx.account, link);
    linkTokens(ctx.app).set(token, { owner: ctx.account, link: link.id });
    itemsTable(ctx.app).set(
      link.id,
      items.map((it) => itemObject(ctx, it)),
    );
    linkData(ctx.app).set(link.id, {
      items: items.map((i) => ({ price: i.price.id, quantity: i.quantity })),
      pid: pid ? { ...pid, metadata: mergeMetadata({}, pid.metadata) } : null,
      sd: p.subscription_data ?? null,
    });
    emit(ctx, 'payment_link.created', link);
    return link;
  });
  r.get('/v1/payment_links/:id', (ctx) => {
    validate({}, ctx.params);
    return requireLink(ctx, ctx.path[0]!);
  });
  r.get('/v1/payment_links/:id/line_items', (ctx) => {
    const p = validate(listParams, ctx.params);
    const link = requireLink(ctx, ctx.path[0]!);
    return paginate(itemsTable(ctx.app).get(link.id) ?? [], p, `/v1/payment_links/${link.id}/line_items`);
  });
  r.post('/v1/payment_links/:id', (ctx) => {
    const p = validate(
      {
        active: bool,
        after_completion: linkShape.after_completion,
        metadata,
        inactive_message: str,
        restrictions: any,
        payment_intent_data: pidShape,
        allow_promotion_codes: bool,
        custom_fields: any,
        custom_text: hash,
        customer_creation: str,
        invoice_creation: hash,
        line_items: any,
        billing_address_collection: str,
        payment_method_collection: str,
        payment_method_types: any,
        phone_number_collection: hash,
        shipping_address_collection: hash,
        submit_type: str,
        subscription_data: hash,
        tax_id_collection: hash,
        automatic_tax: hash,
        name_collection: hash,
        optional_items: any,
      },
      ctx.params,
    );
    const link = requireLink(ctx, ctx.path[0]!);
    const before = snapshot(link);
    if (p.active != null) link.active = p.active;
    if (p.inactive_message !== undefined) link.inactive_message = p.inactive_message;
    if (p.metadata !== undefined) link.metadata = mergeMetadata(link.metadata, p.metadata);
    const ac = p.after_completion;
    if (ac) {
      link.after_completion = afterCompletionOf(ac, null);
    }
    ctx.app.store.changed();
    emit(ctx, 'payment_link.updated', link, { previous: changes(before, link) });
    return link;
  });
  r.get('/v1/payment_links', (ctx) => {
    const p = validate({ ...listParams, active: bool }, ctx.params);
    return paginate(
      ctx.app.store.list(ctx.account, 'payment_link'),
      p,
      '/v1/payment_links',
      (o) => p.active == null || o.active === p.active,
    );
  });
}

// Disputes: opened by the dispute test cards right after the charge; evidence update (text or uploaded
// `file_` ids) and submission decide the outcome in test mode (`winning_evidence` → won,
// `losing_evidence` → lost); close = accept the loss. Balance effects: withdrawal + $15 fee, reinstatement.
import type { Ctx } from '../app.ts';
import { changes, emit, snapshot } from '../events.ts';
import { requireOwn } from '../lookup.ts';
import { createBalanceTransaction } from '../money/balance.ts';
import type { BalanceTransaction } from '../objects/money.ts';
import type { Charge, Dispute, PaymentIntent } from '../objects/payments.ts';
import type { Router } from '../router.ts';
import { invalidRequest, notFound } from '../wire/errors.ts';
import { newId, nowSeconds } from '../wire/ids.ts';
import { matchesSent, paginate } from '../wire/list.ts';
import { bool, listParams, mergeMetadata, metadata, obj, str, strOf, validate } from '../wire/schema.ts';
import { testCardOf } from './payment_methods.ts';

const EVIDENCE_FIELDS = [
  'access_activity_log',
  'billing_address',
  'cancellation_policy',
  'cancellation_policy_disclosure',
  'cancellation_rebuttal',
  'customer_communication',
  'customer_email_address',
  'customer_name',
  'customer_purchase_ip',
  'customer_signature',
  'duplicate_charge_documentation',
  'duplicate_charge_explanation',
  'duplicate_charge_id',
  'product_description',
  'receipt',
  'refund_policy',
  'refund_policy_disclosure',
  'refund_refusal_explanation',
  'service_date',
  'service_documentation',
  'shipping_address',
  'shipping_carrier',
  'shipping_date',
  'shipping_documentation',
  'shipping_tracking_number',
  'uncategorized_file',
  'uncategorized_text',
];
const FILE_FIELDS = new Set(
  EVIDENCE_FIELDS.filter((f) => /documentation|file|policy$|receipt|signature|communication/.test(f)),
);
FILE_FIELDS.delete('cancellation_policy_disclosure');

// Stripe's text evidence fields take up to 20,000 characters each (its API reference), not the usual 5,000
const evidenceShape: Record<string, typeof str> = Object.fromEntries(
  EVIDENCE_FIELDS.map((f) => [f, FILE_FIELDS.has(f) ? str : strOf(20_000)]),
);

const DISPUTE_FEE = 1500;

export function openDispute(
  ctx: Ctx,
  ch: Charge,
  kind: 'fraudulent' | 'product_not_received' | 'inquiry',
): Dispute {
  const { app } = ctx;
  const inquiry = kind === 'inquiry';
  const amount = ch.amount_captured;
  const currency = ch.currency;
  const id = newId('dp');
  const bts: BalanceTransaction[] = [];
  if (!inquiry) {
    bts.push(
      createBalanceTransaction(app, ctx.account, {
        amount: -amount,
        currency,
        type: 'adjustment',
        reporting_category: 'dispute',
        source: id,
        description: `Chargeback withdrawal for ${ch.id}`,
        feeDetails: [
          {
            amount: DISPUTE_FEE,
            application: null,
            currency,
            description: 'Dispute fee',
            type: 'stripe_fee',
          },
        ],
      }),
    );
  }
  const card = ch.payment_method_details?.card;
  const dp: Dispute = {
    id,
    object: 'dispute',
    amount,
    balance_transactions: bts,
    charge: ch.id,
    created: nowSeconds(),
    currency,
    enhanced_eligibility_types: [],
    evidence: { ...Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, null])), enhanced_evidence: {} },
    evidence_details: {
      due_by: nowSeconds() + 7 * 24 * 3600,
      enhanced_eligibility: {},
      has_evidence: false,
      past_due: false,
      submission_count: 0,
    },
    is_charge_refundable: inquiry,
    livemode: false,
    metadata: {},
    network_reason_code: null,
    payment_intent: ch.payment_intent,
    payment_method_details: {
      card: {
        brand: card?.brand ?? 'visa',
        case_type: inquiry ? 'inquiry' : 'chargeback',
        network: card?.brand ?? 'visa',
        network_reason_code: kind === 'product_not_received' ? '13.1' : '10.4',
      },
      type: 'card',
    },
    reason: kind === 'inquiry' ? 'general' : kind,
    status: inquiry ? 'warning_needs_response' : 'needs_response',
  };
  app.store.insert(ctx.account, dp);
  ch.disputed = true;
  emit(ctx, 'charge.dispute.created', dp);
  if (!inquiry) emit(ctx, 'charge.dispute.funds_withdrawn', dp);
  return dp;
}

export function openDisputeAfterCapture(ctx: Ctx, pi: PaymentIntent, ch: Charge): void {
  const pm = ctx.app.store.get(ctx.account, String(pi.payment_method), 'payment_method');
  const test = pm ? testCardOf(ctx, pm) : null;
  if (test?.dispute) openDispute(ctx, ch, test.dispute);
}

function requireDispute(ctx: Ctx, id: string): Dispute {
  return requireOwn(ctx, 'dispute', id);
}

function close(ctx: Ctx, dp: Dispute, won: boolean, prev: Record<string, unknown>): void {
  const inquiry = String(dp.status).startsWith('warning');
  dp.status = inquiry ? 'warning_closed' : won ? 'won' : 'lost';
  dp.is_charge_refundable = false;
  emit(ctx, 'charge.dispute.updated', dp, { previous: prev });
  emit(ctx, 'charge.dispute.closed', dp, { previous: { status: prev.status } });
  if (won && !inquiry) {
    const bt = createBalanceTransaction(ctx.app, ctx.account, {
      amount: dp.amount,
      currency: dp.currency,
      type: 'adjustment',
      reporting_category: 'dispute_reversal',
      source: dp.id,
      description: `Chargeback reversal for ${dp.charge}`,
      available: true,
    });
    dp.balance_transactions.push(bt);
    emit(ctx, 'charge.dispute.funds_reinstated', dp);
  }
}

export function registerDisputes(r: Router): void {
  r.get('/v1/disputes/:id', (ctx) => {
    validate({}, ctx.params);
    return requireDispute(ctx, ctx.path[0]!);
  });
  r.get('/v1/disputes', (ctx) => {
    const p = validate({ ...listParams, charge: str, payment_intent: str }, ctx.params);
    return paginate(ctx.app.store.list(ctx.account, 'dispute'), p, '/v1/disputes', (d) =>
      matchesSent(d, p, ['charge', 'payment_intent']),
    );
  });
  r.post('/v1/disputes/:id', (ctx) => {
    const p = validate(
      {
        evidence: obj({ ...evidenceShape, enhanced_evidence: obj({}) }),
        metadata,
        submit: bool,
        intended_submission_method: str,
      },
      ctx.params,
    );
    const dp = requireDispute(ctx, ctx.path[0]!);
    if (['won', 'lost', 'warning_closed'].includes(String(dp.status))) {
      throw invalidRequest(`This dispute is already closed.`, undefined, 'dispute_already_closed');
    }
    const before = snapshot(dp);
    const ev = p.evidence ?? {};
    const evidence = dp.evidence;
    for (const [k, v] of Object.entries(ev)) {
      if (k === 'enhanced_evidence') continue;
      if (FILE_FIELDS.has(k) && v) {
        if (!ctx.app.store.get(ctx.account, String(v), 'file'))
          throw notFound('file', String(v), `evidence[${k}]`);
      }
      evidence[k] = v;
    }
    if (p.metadata !== undefined) dp.metadata = mergeMetadata(dp.metadata, p.metadata);
    const details = dp.evidence_details;
    details.has_evidence = EVIDENCE_FIELDS.some((f) => evidence[f] != null);
    const submit = p.submit !== false;
    if (!submit) {
      ctx.app.store.changed();
      emit(ctx, 'charge.dispute.updated', dp, { previous: changes(before, dp) });
      return dp;
    }
    details.submission_count = details.submission_count + 1;
    const text = String(evidence.uncategorized_text ?? '');
    const inquiry = String(dp.status).startsWith('warning');
    if (text.includes('winning_evidence')) close(ctx, dp, true, changes(before, dp));
    else if (text.includes('losing_evidence')) close(ctx, dp, false, changes(before, dp));
    else {
      dp.status = inquiry ? 'warning_under_review' : 'under_review';
      emit(ctx, 'charge.dispute.updated', dp, { previous: changes(before, dp) });
    }
    ctx.app.store.changed();
    return dp;
  });
  r.post('/v1/disputes/:id/close', (ctx) => {
    validate({}, ctx.params);
    const dp = requireDispute(ctx, ctx.path[0]!);
    if (['won', 'lost', 'warning_closed'].includes(String(dp.status))) return dp;
    close(ctx, dp, false, { status: dp.status });
    ctx.app.store.changed();
    return dp;
  });
}

import { describe, expect, it } from 'vitest';
import {
  contentDigest,
  idempotencyKey,
  type KeySpec,
  PURPOSES,
  type Purpose,
} from '../../src/stripe/gateway.ts';

/**
 * Every idempotency key Tributary sends, byte for byte, as the call sites wrote them before the gateway
 * built them. A key that changes between two deploys lets a retry spanning the deploy do its call twice (a
 * second charge, a second refund), so a change here is never a refactoring: it needs a migration plan.
 */
const tenant = '3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const row = '8a7b6c5d-4e3f-4a1b-9c8d-7e6f5a4b3c2d';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

const keys: Record<Purpose, { spec: Omit<KeySpec, 'purpose'>; key: string | RegExp }> = {
  // connect/onboarding.ts: `tributary:connect_account:${tenantId}:${before.attempt}`
  connect_account: { spec: { record: tenant, attempt: 2 }, key: `tributary:connect_account:${tenant}:2` },
  // connect/onboarding.ts: `tributary:account_link:${row.id}:${randomUUID()}`
  account_link: { spec: { record: row }, key: new RegExp(`^tributary:account_link:${row}:${UUID}$`) },
  // connect/lifecycle.ts: `tributary:login_link:${row.id}:${randomUUID()}`
  login_link: { spec: { record: row }, key: new RegExp(`^tributary:login_link:${row}:${UUID}$`) },
  // payments/customers/service.ts: `tributary:customer:${row.id}:1`
  customer: { spec: { record: row, attempt: 1 }, key: `tributary:customer:${row}:1` },
  // payments/customers/payment-methods.ts: `tributary:setup_intent:${customer.id}:${randomUUID()}`
  setup_intent: { spec: { record: row }, key: new RegExp(`^tributary:setup_intent:${row}:${UUID}$`) },
  // payments/customers/payment-methods.ts: `tributary:setup_session:${customer.id}:${randomUUID()}`
  setup_session: { spec: { record: row }, key: new RegExp(`^tributary:setup_session:${row}:${UUID}$`) },
  // payments/customers/service.ts: `tributary:portal_session:${customer.id}:${randomUUID()}`
  portal_session: {
    spec: { record: row },
    key: new RegExp(`^tributary:portal_session:${row}:${UUID}$`),
  },
  // payments/customers/default-method.ts: `tributary:default_payment_method:${row.id}:${pm.id}`
  default_payment_method: {
    spec: { record: row, discriminator: 'pm_1PqRsTuVwXyZ' },
    key: `tributary:default_payment_method:${row}:pm_1PqRsTuVwXyZ`,
  },
  // payments/charges/service.ts: `tributary:payment_intent:${payment.id}:1`
  payment_intent: { spec: { record: row, attempt: 1 }, key: `tributary:payment_intent:${row}:1` },
  // payments/refunds/service.ts: `tributary:refund:${refund.id}:${refund.attempt}`
  refund: { spec: { record: row, attempt: 3 }, key: `tributary:refund:${row}:3` },
  // payments/disputes/service.ts: `tributary:dispute_file:${dispute.id}:${sha256(data).slice(0, 32)}`
  dispute_file: {
    spec: { record: row, discriminator: contentDigest(Buffer.from('%PDF-1.4 evidence')) },
    key: `tributary:dispute_file:${row}:83d40e60c499a02179e970db4fa0caa8`,
  },
  // payments/disputes/service.ts: `tributary:dispute_evidence:${dispute.id}:${sha256(body).slice(0, 32)}`
  dispute_evidence: {
    spec: {
      record: row,
      discriminator: contentDigest(
        JSON.stringify({ evidence: { product_description: 'A mug' }, submit: true }),
      ),
    },
    key: `tributary:dispute_evidence:${row}:7b9abe82fa70dc8c1bb3b16abebece51`,
  },
  // subscriptions/service.ts: `tributary:product:${row.id}:1`
  product: { spec: { record: row, attempt: 1 }, key: `tributary:product:${row}:1` },
  // subscriptions/catalog.ts: `tributary:product_archive:${row.id}`
  product_archive: { spec: { record: row }, key: `tributary:product_archive:${row}` },
  // subscriptions/service.ts: `tributary:price:${row.id}:1`
  price: { spec: { record: row, attempt: 1 }, key: `tributary:price:${row}:1` },
  // subscriptions/service.ts: `tributary:subscription:${row.id}:1`
  subscription: { spec: { record: row, attempt: 1 }, key: `tributary:subscription:${row}:1` },
  // subscriptions/service.ts: `tributary:subscription_${action}:${row.id}:${row.updatedAt.getTime()}`
  subscription_updated: {
    spec: { record: row, discriminator: new Date('2026-03-04T05:06:07.089Z').getTime() },
    key: `tributary:subscription_updated:${row}:1772600767089`,
  },
  subscription_canceled: {
    spec: { record: row, discriminator: 1772600767089 },
    key: `tributary:subscription_canceled:${row}:1772600767089`,
  },
  // subscriptions/sync.ts: `tributary:subscription_invoice_fee:${inv.id}:${inv.amount_due}:${decided}`
  subscription_invoice_fee: {
    spec: { record: 'in_1AbCdEf', discriminator: [12000, 678] },
    key: 'tributary:subscription_invoice_fee:in_1AbCdEf:12000:678',
  },
  // subscriptions/fee-top-up.ts: `tributary:fee_top_up:${charge.id}`
  fee_top_up: { spec: { record: 'ch_1AbCdEf' }, key: 'tributary:fee_top_up:ch_1AbCdEf' },
  // invoices/service.ts: `tributary:invoice_send:${row.id}:${row.sendAttempt}:${row.applicationFeeAmount}`
  invoice_send: {
    spec: { record: row, attempt: 2, discriminator: 350 },
    key: `tributary:invoice_send:${row}:2:350`,
  },
  // invoices/followups.ts: `tributary:invoice_link_off:${row.id}:${link}`
  invoice_link_off: {
    spec: { record: row, discriminator: 'plink_1AbCdEf' },
    key: `tributary:invoice_link_off:${row}:plink_1AbCdEf`,
  },
  // billing/tenant-plan/stripe-calls.ts: the tenant's customer and plan subscription on the platform account
  platform_customer: { spec: { record: tenant, attempt: 1 }, key: `tributary:platform_customer:${tenant}:1` },
  platform_subscription: {
    spec: { record: tenant, discriminator: 1772600767089 },
    key: `tributary:platform_subscription:${tenant}:1772600767089`,
  },
  platform_subscription_change: {
    spec: { record: tenant, discriminator: 1772600767089 },
    key: `tributary:platform_subscription_change:${tenant}:1772600767089`,
  },
  platform_subscription_cancel: {
    spec: { record: tenant, discriminator: 1772600767089 },
    key: `tributary:platform_subscription_cancel:${tenant}:1772600767089`,
  },
  platform_subscription_orphan_cancel: {
    spec: { record: 'sub_1AbCdEf' },
    key: 'tributary:platform_subscription_orphan_cancel:sub_1AbCdEf',
  },
  // billing/tenant-plan/quote-calls.ts: a quoted change, a downgrade's schedule, cancel and resume
  platform_quote_apply: { spec: { record: row }, key: `tributary:platform_quote_apply:${row}` },
  platform_schedule: { spec: { record: row }, key: `tributary:platform_schedule:${row}` },
  platform_schedule_phases: { spec: { record: row }, key: `tributary:platform_schedule_phases:${row}` },
  platform_subscription_cancel_at_end: {
    spec: { record: tenant, discriminator: 1767225600000 },
    key: `tributary:platform_subscription_cancel_at_end:${tenant}:1767225600000`,
  },
  platform_subscription_resume: {
    spec: { record: tenant, discriminator: 1767225600000 },
    key: `tributary:platform_subscription_resume:${tenant}:1767225600000`,
  },
  platform_schedule_release: {
    spec: { record: tenant, discriminator: 1767225600000 },
    key: `tributary:platform_schedule_release:${tenant}:1767225600000`,
  },
  platform_drop_items: {
    spec: { record: tenant, discriminator: 'si_1,si_2' },
    key: `tributary:platform_drop_items:${tenant}:si_1,si_2`,
  },
  // billing/plans/stripe.ts: the platform's plans, on the platform account
  platform_product: { spec: { record: row, attempt: 1 }, key: `tributary:platform_product:${row}:1` },
  platform_product_archive: { spec: { record: row }, key: `tributary:platform_product_archive:${row}` },
  platform_product_update: {
    spec: { record: row, discriminator: 1772600767089 },
    key: `tributary:platform_product_update:${row}:1772600767089`,
  },
  platform_price: { spec: { record: row, attempt: 1 }, key: `tributary:platform_price:${row}:1` },
  platform_overage_price: {
    spec: { record: row, attempt: 1 },
    key: `tributary:platform_overage_price:${row}:1`,
  },
  billing_meter: { spec: { record: 'api_calls' }, key: 'tributary:billing_meter:api_calls' },
  // billing/plans/migrate.ts: a tenant's subscription moved to the plan's current prices
  plan_migration: {
    spec: { record: tenant, discriminator: contentDigest('["sub_1",[{"id":"si_1","price":"price_2"}]]') },
    key: `tributary:plan_migration:${tenant}:ea77b070e0533037b4c0b6010deca704`,
  },
  // billing/usage/meter.ts: `tributary:meter_event:${report.id}`
  meter_event: { spec: { record: row }, key: `tributary:meter_event:${row}` },
  // billing/account/stripe-calls.ts
  platform_setup_session: {
    spec: { record: tenant },
    key: new RegExp(`^tributary:platform_setup_session:${tenant}:${UUID}$`),
  },
  platform_default_payment_method: {
    spec: { record: tenant, discriminator: 'pm_1AbC' },
    key: `tributary:platform_default_payment_method:${tenant}:pm_1AbC`,
  },
  platform_credit: {
    spec: { record: tenant, discriminator: contentDigest('idem-1') },
    key: `tributary:platform_credit:${tenant}:${contentDigest('idem-1')}`,
  },
  platform_credit_note: {
    spec: { record: 'in_1AbC', discriminator: contentDigest('idem-1') },
    key: `tributary:platform_credit_note:in_1AbC:${contentDigest('idem-1')}`,
  },
  platform_recovery_pay: {
    spec: { record: 'in_1AbC', discriminator: contentDigest('idem-1') },
    key: `tributary:platform_recovery_pay:in_1AbC:${contentDigest('idem-1')}`,
  },
  dunning: {
    spec: { record: 'in_1AbC', discriminator: [2, 'pm_1AbC', 0] },
    key: 'tributary:dunning:in_1AbC:2:pm_1AbC:0',
  },
  dunning_auto_advance: {
    spec: { record: 'in_1AbC', discriminator: '2026-12-04T10' },
    key: 'tributary:dunning_auto_advance:in_1AbC:2026-12-04T10',
  },
  dunning_void: {
    spec: { record: 'in_1AbC', discriminator: '2026-12-04T10' },
    key: 'tributary:dunning_void:in_1AbC:2026-12-04T10',
  },
  dunning_cancel: {
    spec: { record: '1f0c7f2e-4c1b-4a59-9d0a-2c1d3e4f5a6b' },
    key: 'tributary:dunning_cancel:1f0c7f2e-4c1b-4a59-9d0a-2c1d3e4f5a6b',
  },
  dunning_write_off: {
    spec: { record: 'in_1AbC', discriminator: '2026-12-04T10' },
    key: 'tributary:dunning_write_off:in_1AbC:2026-12-04T10',
  },
  dunning_mark_paid: {
    spec: { record: 'in_1AbC', discriminator: '2026-12-04T10' },
    key: 'tributary:dunning_mark_paid:in_1AbC:2026-12-04T10',
  },
};

describe('idempotency keys', () => {
  it('lists every purpose the gateway knows', () => {
    expect(Object.keys(keys).sort()).toEqual([...PURPOSES].sort());
  });

  for (const purpose of PURPOSES) {
    it(`${purpose}: the key sent today`, () => {
      const { spec, key } = keys[purpose];
      const made = idempotencyKey({ purpose, ...spec });
      if (typeof key === 'string') {
        expect(made).toBe(key);
        // derived from the record: the same input, the same key (a retry replays)
        expect(idempotencyKey({ purpose, ...spec })).toBe(made);
      } else {
        expect(made).toMatch(key);
        // single use: every call is a new one
        expect(idempotencyKey({ purpose, ...spec })).not.toBe(made);
      }
    });
  }

  it('writes a part as a template literal did (a fee not set yet reads `null`)', () => {
    expect(idempotencyKey({ purpose: 'invoice_send', record: row, attempt: 1, discriminator: null })).toBe(
      `tributary:invoice_send:${row}:1:null`,
    );
  });

  it("refuses a key that does not fit its purpose's shape", () => {
    expect(() => idempotencyKey({ purpose: 'refund', record: row })).toThrow(/needs attempt/);
    expect(() => idempotencyKey({ purpose: 'fee_top_up', record: 'ch_1', attempt: 1 })).toThrow(
      /takes no attempt/,
    );
    expect(() =>
      idempotencyKey({ purpose: 'subscription_invoice_fee', record: 'in_1', discriminator: 12000 }),
    ).toThrow(/amount due, application fee/);
    expect(() =>
      idempotencyKey({ purpose: 'customer', record: row, attempt: 1, discriminator: 'x' }),
    ).toThrow(/no discriminator/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  renderTemplate,
  type TemplateContext,
  type TemplateData,
  type TemplateName,
  templateNames,
} from '../../src/notifications/templates/index.ts';
import { messagesFor } from '../../src/notifications/templates/messages/index.ts';

const ctx: TemplateContext = {
  m: messagesFor('en'),
  tenantName: 'Kyoto <Tea> & Co',
  locale: 'en',
  dashboardUrl: (path) => `https://pay.example.com/tenants/ten_1/${path}`,
  formatDate: (d) => d.toISOString(),
  footer: 'owners footer',
};

const lines = [
  { description: 'Matcha <ceremonial>', quantity: 2, unitAmount: 1500 },
  { description: 'Shipping', quantity: 1, unitAmount: 1000 },
];

/** One sample per template, in yen (zero-decimal): 4,000 minor units are ¥4,000. */
const samples: { [T in TemplateName]?: TemplateData[T] } = {
  refund_failed: {
    refundId: 're_1',
    paymentId: 'pay_1',
    amount: 4000,
    currency: 'jpy',
    failureReason: 'expired_or_canceled_card',
  },
  payout_failed: {
    payoutId: 'po_1',
    amount: 4000,
    currency: 'jpy',
    failureCode: 'account_closed',
    failureMessage: null,
  },
  account_needs_information: {
    accountId: 'acct_1',
    due: ['individual.id_number'],
    deadline: '2026-12-20T00:00:00.000Z',
  },
  account_disabled: { accountId: 'acct_1', reason: 'requirements.past_due' },
  account_deauthorized: { accountId: 'acct_1' },
  invoice_paid: { invoiceId: 'inv_1', amount: 4000, currency: 'jpy', customerEmail: 'c@example.com' },
  usage_threshold: {
    metric: 'payment_volume',
    threshold: 80,
    limit: 5000,
    used: 4000,
    currency: 'jpy',
    planName: 'Pro',
    resetsAt: new Date('2026-12-31T00:00:00Z'),
  },
  plan_payment_failed: {
    amount: 4000,
    currency: 'jpy',
    recoveryUrl: 'https://app.example.com/recover/x',
    declineCode: 'insufficient_funds',
    nextAttemptAt: new Date('2026-12-02T00:00:00Z'),
  },
  plan_attempt_failed: {
    amount: 4000,
    currency: 'jpy',
    recoveryUrl: 'https://app.example.com/recover/x',
    attempt: 3,
    of: 3,
    declineCode: 'do_not_honor',
    nextAttemptAt: null,
    suspendAt: new Date('2026-12-08T00:00:00Z'),
  },
  plan_suspended: { amount: 4000, currency: 'jpy', recoveryUrl: 'https://app.example.com/recover/x' },
  plan_recovered: { amount: 4000, currency: 'jpy' },
  receipt: {
    amount: 4000,
    currency: 'jpy',
    lines,
    receiptNumber: '1234-5678',
    receiptUrl: 'https://pay.stripe.com/receipts/x',
    paidAt: '2026-12-03T10:00:00.000Z',
    invoiceId: 'inv_1',
  },
  invoice_sent: {
    invoiceId: 'inv_1',
    amount: 4000,
    currency: 'jpy',
    lines,
    dueDate: null,
    payUrl: 'https://buy.stripe.com/test_1',
  },
  payment_failed: {
    amount: 4000,
    currency: 'jpy',
    failureMessage: null,
    updateUrl: 'https://invoice.stripe.com/i/1',
  },
  renewal_reminder: {
    subscriptionId: 'subs_1',
    description: 'Tea club',
    amount: 4000,
    currency: 'jpy',
    renewsAt: '2026-12-10T00:00:00.000Z',
  },
  card_expiring: { brand: 'visa', last4: '4242', expMonth: 1, expYear: 2027, updateUrl: null },
};

const withoutAmount = new Set<TemplateName>([
  'account_needs_information',
  'account_disabled',
  'account_deauthorized',
  'card_expiring',
]);

describe('owner alert and customer e-mail templates', () => {
  for (const name of templateNames.filter((n) => n in samples)) {
    it(`${name}: renders to valid MJML and text, one-line subject, the tenant's name escaped`, async () => {
      const r = await renderTemplate(name, samples[name] as never, ctx);
      expect(r.subject).not.toMatch(/[\r\n]/);
      expect(r.html).toMatch(/^<!doctype html>/i);
      expect(r.html).not.toContain('<Tea>');
      expect(r.text).toContain('Kyoto <Tea> & Co');
      if (!withoutAmount.has(name))
        for (const part of [r.subject + r.text, r.html]) expect(part).toContain('¥4,000');
    });
  }

  it('receipt: each line with its quantity and total, the receipt number and the hosted receipt', async () => {
    const r = await renderTemplate('receipt', samples.receipt!, ctx);
    expect(r.subject).toBe('Your receipt from Kyoto <Tea> & Co #1234-5678');
    expect(r.text).toContain('Matcha <ceremonial> × 2');
    expect(r.text).toContain('¥3,000');
    expect(r.text).toContain('Receipt number');
    expect(r.text).toContain('https://pay.stripe.com/receipts/x');
    expect(r.html).toContain('Matcha &lt;ceremonial&gt;');
    // a customer e-mail speaks for the tenant, not to its owners
    expect(r.text).not.toContain('owners footer');
  });

  it('every template has a sample here', () => {
    expect(templateNames.filter((n) => !(n in samples)).sort()).toEqual(['dispute_closed', 'dispute_opened']);
  });
});

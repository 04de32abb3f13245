import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, paidPayment, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, waitFor } from '../helpers/webhooks.ts';

/**
 * What happens to a payment after its charge, through the sandbox and the webhook pipeline: refunds (and the
 * application fee refunded with them) and disputes (withdrawal, dispute fee, reinstatement when won) move
 * the nets, the open-dispute badge and the timeline, on both account kinds.
 */
type Fees = {
  stripe_fee: number;
  tenant_net: number;
  platform_net: number;
  refunded: number;
  application_fee_refunded: number;
  dispute_net: number;
};
type Payment = {
  id: string;
  amount: number;
  amount_refunded: number;
  dispute_status: string | null;
  disputed: boolean;
  fees: Fees;
  timeline: { type: string; data: Record<string, unknown> }[];
};

for (const kind of ['standard', 'express'] as const) {
  const direct = kind === 'standard';
  describe(`refunds and disputes move the payment (${kind}-like)`, () => {
    let p: Pipeline;
    let tenant: TestTenant;
    let api: ReturnType<typeof tenantApi>;

    beforeAll(async () => {
      p = await startPipeline({
        CONNECT_ACCOUNT_KIND: kind,
        PLATFORM_FEE_BPS: '250',
        PLATFORM_FEE_PASS_THROUGH: 'true',
      });
      tenant = await createTestTenant(p.t, `Adjustments ${kind}`);
      await connectTenant(p.t, tenant);
      api = tenantApi(p.t, tenant);
    });
    afterAll(() => p.close());

    const get = async (id: string) => (await api('GET', `/payments/${id}`)).json() as Payment;
    const until = (id: string, what: string, ok: (x: Payment) => boolean) =>
      waitFor(
        async () => {
          const x = await get(id);
          return ok(x) ? x : null;
        },
        what,
        pipelineState(p),
      );
    /** Every cent accounted for: what the tenant and the platform keep, Stripe's fees, what went back. */
    const addsUp = (x: Payment) =>
      expect(x.fees.tenant_net + x.fees.platform_net + x.fees.stripe_fee).toBe(
        x.amount - x.fees.refunded + x.fees.dispute_net,
      );

    it('refund then net: a partial refund with its share of the fee, then the rest', async () => {
      const { payment } = await paidPayment(api, `refunded-${kind}@example.com`, 'pm_card_visa', 10_000);
      const before = await until(payment.id, 'fees final', (x) => x.fees.stripe_fee > 0);
      expect(before.fees).toMatchObject({ refunded: 0, application_fee_refunded: 0, dispute_net: 0 });
      const appFee = direct ? 250 : 570;

      const partial = await api('POST', `/payments/${payment.id}/refunds`, {
        amount: 4000,
        refund_application_fee: true,
      });
      expect(partial.statusCode, partial.body).toBe(200);
      const feeBack = Math.round((appFee * 4000) / 10_000);
      const afterPartial = await until(
        payment.id,
        'refund and fee refund applied',
        (x) => x.fees.refunded === 4000 && x.fees.application_fee_refunded === feeBack,
      );
      expect(afterPartial.fees.tenant_net).toBe(before.fees.tenant_net - 4000 + feeBack);
      expect(afterPartial.fees.platform_net).toBe(before.fees.platform_net - feeBack);
      addsUp(afterPartial);
      const types = afterPartial.timeline.map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(['refund.succeeded', 'application_fee.refunded']));
      expect(afterPartial.timeline.find((e) => e.type === 'application_fee.refunded')?.data.amount).toBe(
        feeBack,
      );

      // the rest, keeping the fee: the tenant pays it all
      const rest = await api('POST', `/payments/${payment.id}/refunds`, {});
      expect(rest.statusCode, rest.body).toBe(200);
      const full = await until(payment.id, 'full refund applied', (x) => x.fees.refunded === 10_000);
      expect(full.fees.tenant_net).toBe(before.fees.tenant_net - 10_000 + feeBack);
      expect(full.fees.platform_net).toBe(before.fees.platform_net - feeBack);
      addsUp(full);
      expect(full.timeline.filter((e) => e.type === 'refund.succeeded')).toHaveLength(2);
      const listed = (await api('GET', `/payments?q=${payment.stripe.payment_intent}`)).json().data[0];
      expect(listed.fees.tenant_net).toBe(full.fees.tenant_net);
    });

    it('dispute won then badge: open while disputed, withdrawn with its fee, reinstated when won', async () => {
      const { payment } = await paidPayment(api, `won-${kind}@example.com`, 'pm_card_createDispute', 4000);
      const charged = await until(payment.id, 'fees final', (x) => x.fees.stripe_fee > 0);
      const opened = await until(payment.id, 'funds withdrawn', (x) => x.fees.dispute_net !== 0);
      expect(opened).toMatchObject({ dispute_status: 'needs_response', disputed: true });
      expect(opened.fees.dispute_net).toBe(-4000 - 1500);
      // the disputed money leaves the balance the charge landed on
      const side = direct ? 'tenant_net' : 'platform_net';
      expect(opened.fees[side]).toBe(charged.fees[side] - 5500);
      addsUp(opened);
      expect(opened.timeline.map((e) => e.type)).toContain('dispute.funds_withdrawn');

      const dispute = (await api('GET', '/disputes?limit=100'))
        .json()
        .data.find((d: { payment: string }) => d.payment === payment.id);
      const won = await api('POST', `/disputes/${dispute.id}/evidence`, {
        evidence: { uncategorized_text: 'winning_evidence: signed delivery receipt' },
      });
      expect(won.statusCode, won.body).toBe(200);
      const after = await until(
        payment.id,
        'dispute won and funds reinstated',
        (x) => x.dispute_status === 'won' && x.fees.dispute_net === -1500,
      );
      expect(after.disputed).toBe(false);
      expect(after.fees[side]).toBe(charged.fees[side] - 1500);
      addsUp(after);
      const types = after.timeline.map((e) => e.type);
      expect(types.slice(types.indexOf('dispute.opened'))).toEqual([
        'dispute.opened',
        'dispute.funds_withdrawn',
        'dispute.evidence_submitted',
        'dispute.won',
        'dispute.funds_reinstated',
      ]);
    });

    it('a dispute lost (accepted) is no longer open; the money stays withdrawn', async () => {
      const { payment } = await paidPayment(api, `lost-${kind}@example.com`, 'pm_card_createDispute', 3000);
      await until(payment.id, 'funds withdrawn', (x) => x.fees.dispute_net !== 0);
      const dispute = (await api('GET', '/disputes?limit=100'))
        .json()
        .data.find((d: { payment: string }) => d.payment === payment.id);
      const lost = await api('POST', `/disputes/${dispute.id}/evidence`, {
        evidence: { uncategorized_text: 'losing_evidence' },
      });
      expect(lost.statusCode, lost.body).toBe(200);
      const after = await until(payment.id, 'dispute lost', (x) => x.dispute_status === 'lost');
      expect(after).toMatchObject({ disputed: false, fees: { dispute_net: -3000 - 1500 } });
      expect(after.timeline.map((e) => e.type)).toContain('dispute.lost');
      addsUp(after);
    });
  });
}

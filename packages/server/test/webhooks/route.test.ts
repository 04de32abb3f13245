import { describe, expect, it } from 'vitest';
import { decide, stripeRefs } from '../../src/webhooks/route.ts';

/**
 * The routing decision for platform events (src/webhooks/route.ts) on its own: which Stripe ids an object
 * names, and how they settle on one tenant or none. The pipeline tests (routing.test.ts) drive it end to end.
 */
const A = 'tenant-a';
const B = 'tenant-b';

describe('stripeRefs', () => {
  it('reads only Stripe-assigned ids, never metadata', () => {
    const refs = stripeRefs({
      id: 'pi_1',
      object: 'payment_intent',
      customer: 'cus_1',
      transfer_data: { destination: 'acct_a' },
      on_behalf_of: 'acct_a',
      metadata: { tributary_payment: 'pay_x', tributary_customer: 'cust_y', tributary_tenant: 'ten_z' },
    });
    expect(refs).toEqual([
      { kind: 'account', id: 'acct_a' },
      { kind: 'account', id: 'acct_a' },
      { kind: 'payment_intent', id: 'pi_1' },
      { kind: 'customer', id: 'cus_1' },
    ]);
  });

  it("a refund or dispute is routed by its expanded charge's destination", () => {
    const refs = stripeRefs({
      id: 're_1',
      object: 'refund',
      payment_intent: 'pi_1',
      charge: {
        id: 'ch_1',
        object: 'charge',
        payment_intent: 'pi_1',
        transfer_data: { destination: 'acct_a' },
      },
    });
    expect(refs).toEqual(
      expect.arrayContaining([
        { kind: 'refund', id: 're_1' },
        { kind: 'charge', id: 'ch_1' },
        { kind: 'account', id: 'acct_a' },
      ]),
    );
    expect(stripeRefs({ id: 'dp_1', object: 'dispute', charge: 'ch_2' })).toContainEqual({
      kind: 'charge',
      id: 'ch_2',
    });
  });

  it('invoices name their subscription; prices their product; sessions their link', () => {
    expect(
      stripeRefs({
        id: 'in_1',
        object: 'invoice',
        parent: { subscription_details: { subscription: 'sub_1' } },
      }),
    ).toContainEqual({ kind: 'subscription', id: 'sub_1' });
    expect(stripeRefs({ id: 'price_1', object: 'price', product: { id: 'prod_1' } })).toContainEqual({
      kind: 'product',
      id: 'prod_1',
    });
    expect(
      stripeRefs({ id: 'cs_1', object: 'checkout.session', payment_link: 'plink_1', metadata: {} }),
    ).toContainEqual({ kind: 'payment_link', id: 'plink_1' });
  });
});

describe('decide', () => {
  const row = (k: 'customer' | 'payment_intent', id: string, tenant: string) => ({
    k,
    id,
    tenant_id: tenant,
    rank: 0,
  });
  const holder = (id: string, tenant: string, rank: number) => ({
    k: 'account' as const,
    id,
    tenant_id: tenant,
    rank,
  });

  it("routes by the account's current holder when no row of ours names the object", () => {
    const refs = [{ kind: 'account' as const, id: 'acct_a' }];
    expect(decide(refs, [holder('acct_a', B, 2), holder('acct_a', A, 0)])).toEqual({
      tenantId: A,
      conflict: null,
    });
  });

  it('a stored (historical) event routes by an account only if it never changed hands', () => {
    const refs = [{ kind: 'account' as const, id: 'acct_a' }];
    const handedOver = [holder('acct_a', B, 2), holder('acct_a', A, 0)];
    expect(decide(refs, handedOver, true)).toEqual({ tenantId: null, conflict: null });
    expect(decide(refs, [holder('acct_a', A, 0), holder('acct_a', A, 1)], true)).toEqual({
      tenantId: A,
      conflict: null,
    });
    // our row still decides: it names the tenant the object was made for
    const withRow = [...handedOver, row('payment_intent', 'pi_1', B)];
    expect(decide([...refs, { kind: 'payment_intent', id: 'pi_1' }], withRow, true)).toEqual({
      tenantId: B,
      conflict: null,
    });
  });

  it('routes by our row, whose tenant may have held the account before (it is held by another now)', () => {
    const refs = [
      { kind: 'account' as const, id: 'acct_a' },
      { kind: 'payment_intent' as const, id: 'pi_1' },
    ];
    const found = [holder('acct_a', B, 0), holder('acct_a', A, 2), row('payment_intent', 'pi_1', A)];
    expect(decide(refs, found)).toEqual({ tenantId: A, conflict: null });
  });

  it('does not route when rows name two tenants, or the money goes to an account the tenant never held', () => {
    const two = decide(
      [
        { kind: 'customer', id: 'cus_b' },
        { kind: 'payment_intent', id: 'pi_1' },
      ],
      [row('customer', 'cus_b', B), row('payment_intent', 'pi_1', A)],
    );
    expect(two.tenantId).toBeNull();
    expect(new Set(two.conflict)).toEqual(new Set([A, B]));
    const elsewhere = decide(
      [
        { kind: 'account', id: 'acct_b' },
        { kind: 'customer', id: 'cus_a' },
      ],
      [holder('acct_b', B, 0), row('customer', 'cus_a', A)],
    );
    expect(elsewhere).toEqual({ tenantId: null, conflict: [A, B] });
    const unknown = decide(
      [
        { kind: 'account', id: 'acct_stranger' },
        { kind: 'customer', id: 'cus_a' },
      ],
      [row('customer', 'cus_a', A)],
    );
    expect(unknown.tenantId).toBeNull();
  });

  it('two accounts held by different tenants route nowhere; nothing known routes nowhere, quietly', () => {
    expect(
      decide(
        [
          { kind: 'account', id: 'acct_a' },
          { kind: 'account', id: 'acct_b' },
        ],
        [holder('acct_a', A, 0), holder('acct_b', B, 0)],
      ),
    ).toEqual({ tenantId: null, conflict: [A, B] });
    expect(decide([{ kind: 'customer', id: 'cus_x' }], [])).toEqual({ tenantId: null, conflict: null });
    expect(decide([{ kind: 'account', id: 'acct_x' }], [])).toEqual({ tenantId: null, conflict: null });
  });
});

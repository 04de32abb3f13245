import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { cardUpdateUrl } from '../../src/payments/customers/card-update.ts';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { paymentFixtures, sandboxStripe, tenantApi } from '../helpers/payments.ts';

/**
 * The card update link opens a Stripe session for the payment method only: once the card is changed, the
 * customer sees a confirmation — not the portal's homepage, where whoever holds the e-mailed link (a
 * forwarded e-mail, a shared inbox) could cancel the customer's subscriptions.
 */
describe('card update link: the card, and nothing else', () => {
  let t: TestApp;
  let a: TestTenant;
  let base: string;
  let fx: Awaited<ReturnType<typeof paymentFixtures>>;
  beforeAll(async () => {
    t = await startTestApp();
    base = await t.app.listen({ host: '127.0.0.1', port: 0 });
    a = await createTestTenant(t, 'Card link scope');
    fx = await paymentFixtures(t, a);
  });
  afterAll(() => t?.close());

  const form = (fields: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });

  it('after the new card, no subscription can be canceled through the session', async () => {
    const sub = (await tenantApi(t, a)('GET', `/subscriptions/${fx.subscription_id}`)).json();
    expect(sub.customer).toBe(fx.customer_id);
    const stripeSub = sub.stripe.subscription as string;
    const url = await withTenant(t.database.db, a.id, (tx) =>
      cardUpdateUrl(tx, t.config, { tenantId: a.id, customerId: fromPublicId('customer', fx.customer_id)! }),
    );
    const opened = await fetch(`${base}/billing/update_card${new URL(url).search}`, {
      method: 'POST',
      redirect: 'manual',
    });
    expect(opened.status).toBe(303);
    const session = opened.headers.get('location')!;
    // during the flow: the card form only
    expect(await (await fetch(session)).text()).not.toContain('Cancel subscription');
    const updated = await (
      await fetch(
        session,
        form({ action: 'update_card', card_number: '5555555555554444', exp: '12 / 34', cvc: '123' }),
      )
    ).text();
    expect(updated).toContain('Payment method updated.');
    // before: the portal's homepage followed, with a cancel button for each subscription, and it canceled
    expect(updated).not.toContain('Cancel subscription');
    await fetch(session, form({ action: 'cancel', subscription: stripeSub }));
    // Express-like (the default): the subscription lives on the platform's account
    const after = await sandboxStripe(t).subscriptions.retrieve(stripeSub);
    expect(after.status).not.toBe('canceled');
  });
});

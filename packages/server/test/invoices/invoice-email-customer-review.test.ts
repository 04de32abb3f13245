import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestTenant,
  restrictedKey,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { connectTenant, sandboxStripe, tenantApi } from '../helpers/payments.ts';

/**
 * An invoice edited to a new e-mail moves to that e-mail's customer, made if none: but an edit that is
 * refused (an unknown or void invoice, a total out of range) changes nothing, and makes no customer either —
 * neither our row nor Stripe's.
 */
describe("invoice edits refused before making the e-mail's customer", () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await startTestApp();
    a = await createTestTenant(t, 'Invoice edit review');
    await connectTenant(t, a);
  });
  afterAll(() => t?.close());

  const line = (unit_amount: number) => [{ description: 'Work', quantity: 1, unit_amount }];
  const customersWith = async (email: string) => {
    const ours = (await tenantApi(t, a)('GET', `/customers?email=${encodeURIComponent(email)}`)).json().data;
    const theirs = await sandboxStripe(t).customers.list({ email, limit: 10 }, { stripeAccount: undefined });
    return { ours: ours.length, stripe: theirs.data.length };
  };

  it('a void, unknown or out-of-range edit makes no customer', async () => {
    const api = tenantApi(t, a);
    const voided = (await api('POST', '/invoices', { lines: line(1000) })).json();
    expect((await api('POST', `/invoices/${voided.id}/void`)).statusCode).toBe(200);
    const draft = (await api('POST', '/invoices', { lines: line(1000) })).json();
    const cases: [string, object, number, string][] = [
      [`/invoices/${voided.id}`, { customer_email: 'edit-void@example.com' }, 409, 'edit-void@example.com'],
      [
        '/invoices/inv_00000000000000000000000000000000',
        { customer_email: 'edit-ghost@example.com' },
        404,
        'edit-ghost@example.com',
      ],
      [
        `/invoices/${draft.id}`,
        { customer_email: 'edit-small@example.com', lines: line(10) },
        400,
        'edit-small@example.com',
      ],
    ];
    for (const [path, body, status, email] of cases) {
      const res = await api('POST', path, body);
      expect(res.statusCode, res.body).toBe(status);
      expect(await customersWith(email), email).toEqual({ ours: 0, stripe: 0 });
    }
    // the same edit on the draft, within range, moves it to a new customer
    const moved = await api('POST', `/invoices/${draft.id}`, { customer_email: 'edit-ok@example.com' });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().customer).toMatch(/^cust_/);
  });

  it("an edit's lines are held to the same bounds and steps as a new invoice's", async () => {
    const api = tenantApi(t, a);
    const draft = (await api('POST', '/invoices', { lines: line(1000) })).json();
    const kwd = (await api('POST', '/invoices', { currency: 'kwd', lines: line(1000) })).json();
    const bad: [string, object][] = [
      // a negative line the others make up for: the total alone is in range
      [draft.id, { lines: [...line(5000), ...line(-1000)] }],
      [draft.id, { lines: [...line(100_000_000), ...line(-99_999_000)] }],
      // three decimals: Stripe takes tens of fils only
      [kwd.id, { lines: line(1005) }],
      [draft.id, { currency: 'kwd', lines: line(1005) }],
    ];
    for (const [id, body] of bad) {
      const res = await api('POST', `/invoices/${id}`, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(400);
      expect(res.json().error.code).toBe('parameter_invalid');
    }
    expect((await api('GET', `/invoices/${draft.id}`)).json().amount_total).toBe(1000);
    expect((await api('POST', `/invoices/${kwd.id}`, { lines: line(1010) })).statusCode).toBe(200);
  });

  it('a key without customers:write links an invoice to an existing customer, but makes none', async () => {
    const key = await restrictedKey(t, a, ['invoices:write']);
    const api = tenantApi(t, a, key);
    const made = await api('POST', '/invoices', { customer_email: 'key-new@example.com', lines: line(1000) });
    expect(made.statusCode, made.body).toBe(200);
    // before: a customer made on Stripe and ours, by a key that cannot create customers
    expect(made.json().customer).toBeNull();
    expect(await customersWith('key-new@example.com')).toEqual({ ours: 0, stripe: 0 });
    const sent = await api('POST', `/invoices/${made.json().id}/send`);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(await customersWith('key-new@example.com')).toEqual({ ours: 0, stripe: 0 });
    // an existing one is found
    await tenantApi(t, a)('POST', '/customers', { email: 'key-known@example.com' });
    const linked = await api('POST', '/invoices', {
      customer_email: 'key-known@example.com',
      lines: line(1000),
    });
    expect(linked.json().customer).toMatch(/^cust_/);
  });
});

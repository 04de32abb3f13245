import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { tenantApi } from '../helpers/payments.ts';

/**
 * What an invoice's create and update refuse before anything is stored: a due date already past, and (on
 * update, where the lines and the currency can change apart) amounts Stripe would not take in the currency.
 */
describe('invoice validation', () => {
  let t: TestApp;
  let tenant: TestTenant;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Invoice validation');
  });
  afterAll(() => t.close());

  const api = () => tenantApi(t, tenant);
  const now = () => Math.floor(Date.now() / 1000);
  const draft = async (body: Record<string, unknown> = {}) => {
    const res = await api()('POST', '/invoices', {
      lines: [{ description: 'Work', quantity: 1, unit_amount: 5000 }],
      currency: 'usd',
      ...body,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { id: string; due_date: number | null; currency: string };
  };

  it('a due date in the past is refused on create and on update, with nothing written', async () => {
    const past = now() - 86400;
    const created = await api()('POST', '/invoices', {
      lines: [{ description: 'Work', quantity: 1, unit_amount: 5000 }],
      due_date: past,
    });
    expect(created.statusCode, created.body).toBe(400);
    expect(created.json().error).toMatchObject({ code: 'due_date_in_past', param: 'due_date' });

    const inv = await draft({ due_date: now() + 86400 });
    const updated = await api()('POST', `/invoices/${inv.id}`, { due_date: past });
    expect(updated.statusCode, updated.body).toBe(400);
    expect(updated.json().error).toMatchObject({ code: 'due_date_in_past', param: 'due_date' });
    expect((await api()('GET', `/invoices/${inv.id}`)).json().due_date).toBe(inv.due_date);

    // a future date, or none, is fine
    const later = await api()('POST', `/invoices/${inv.id}`, { due_date: now() + 7 * 86400 });
    expect(later.statusCode, later.body).toBe(200);
    expect((await api()('POST', `/invoices/${inv.id}`, { due_date: null })).statusCode).toBe(200);
  });

  it('an update applies the currency amount-step rule create applies', async () => {
    // create refuses 5.125 KWD
    const bad = await api()('POST', '/invoices', {
      lines: [{ description: 'Work', quantity: 1, unit_amount: 5125 }],
      currency: 'kwd',
    });
    expect(bad.statusCode, bad.body).toBe(400);

    // new lines in the invoice's three-decimal currency
    const kwd = await draft({
      currency: 'kwd',
      lines: [{ description: 'Work', quantity: 1, unit_amount: 5120 }],
    });
    const lines = await api()('POST', `/invoices/${kwd.id}`, {
      lines: [{ description: 'Work', quantity: 1, unit_amount: 5125 }],
    });
    expect(lines.statusCode, lines.body).toBe(400);
    expect(lines.json().error).toMatchObject({ code: 'parameter_invalid', param: 'lines[0][unit_amount]' });
    expect(lines.json().error.message).toContain('0.010 KWD');

    // the currency changed under lines that do not fit it (ISK: whole krónur)
    const usd = await draft({ lines: [{ description: 'Work', quantity: 1, unit_amount: 5050 }] });
    const isk = await api()('POST', `/invoices/${usd.id}`, { currency: 'isk' });
    expect(isk.statusCode, isk.body).toBe(400);
    expect(isk.json().error).toMatchObject({ code: 'parameter_invalid', param: 'lines[0][unit_amount]' });
    expect((await api()('GET', `/invoices/${usd.id}`)).json().currency).toBe('usd');

    // both together, in steps: accepted
    const ok = await api()('POST', `/invoices/${usd.id}`, {
      currency: 'isk',
      lines: [{ description: 'Work', quantity: 1, unit_amount: 5000 }],
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });
});

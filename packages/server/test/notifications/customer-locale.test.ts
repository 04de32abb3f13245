import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';
import { type Pipeline, pipelineState, startPipeline, systemRows, waitFor } from '../helpers/webhooks.ts';

/**
 * A customer's e-mails follow the language Stripe holds for them: `preferred_locales` set on the Stripe
 * customer reaches our row through `customer.updated`, and the invoice then sent to them is written in it.
 */
describe("a customer's language from Stripe", () => {
  let p: Pipeline;
  let tenant: TestTenant;
  let api: ReturnType<typeof tenantApi>;

  beforeAll(async () => {
    p = await startPipeline({});
    tenant = await createTestTenant(p.t, 'Atelier');
    await connectTenant(p.t, tenant);
    api = tenantApi(p.t, tenant);
  });
  afterAll(() => p.close());

  it('preferred_locales fr-FR: the invoice e-mail is in French', async () => {
    const c = (await api('POST', '/customers', { email: 'cliente@exemple.test' })).json();
    expect(c.stripe_customer_id).toMatch(/^cus_/);
    await p.stripe.customers.update(c.stripe_customer_id, { preferred_locales: ['fr-FR', 'en'] });
    await waitFor(
      async () => {
        const [row] = await systemRows<{ preferred_locale: string | null }>(
          p.t.database,
          `select preferred_locale from customers where stripe_customer_id = '${c.stripe_customer_id}'`,
        );
        return row?.preferred_locale === 'fr-FR' ? true : null;
      },
      'the language synced',
      pipelineState(p),
    );
    const inv = await api('POST', '/invoices', {
      customer: c.id,
      currency: 'eur',
      lines: [{ description: 'Reliure', quantity: 1, unit_amount: 1250 }],
    });
    expect(inv.statusCode, inv.body).toBe(200);
    expect((await api('POST', `/invoices/${inv.json().id}/send`)).statusCode).toBe(200);
    const n = await waitFor(async () => {
      const list = (await api('GET', '/notifications?limit=100')).json().data as {
        template: string;
        locale: string;
        subject: string;
        text: string;
      }[];
      return list.find((x) => x.template === 'invoice_sent') ?? null;
    }, 'invoice_sent written');
    expect(n.locale).toBe('fr');
    expect(n.subject.replace(/\s/g, ' ')).toBe('Facture de Atelier d’un montant de 12,50 €');
    expect(n.text).toContain('Payer la facture');
  });
});

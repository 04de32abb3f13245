import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/tenant.ts';
import type { Jobs } from '../../src/jobs/boss.ts';
import { createLogger } from '../../src/logger.ts';
import { alertOwners, emailCustomer } from '../../src/notifications/service.ts';
import { templateNames } from '../../src/notifications/templates/index.ts';
import { emailLocales, messagesFor } from '../../src/notifications/templates/messages/index.ts';
import { startWorker } from '../../src/runtime.ts';
import {
  asSession,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { systemRows } from '../helpers/webhooks.ts';

/** Whitespace as Intl writes it (no-break and narrow no-break spaces) read as plain spaces. */
const plain = (s: string) => s.replace(/\s/g, ' ');

/**
 * E-mails in the recipient's language: a customer's from Stripe's `preferred_locales[0]`, owners' from the
 * tenant's setting, else English; words from the language's messages, amounts and dates from Intl.
 */
describe('e-mail languages', () => {
  let t: TestApp;
  let jobs: Jobs;
  let tenant: TestTenant;
  let owner: TestSession;

  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    jobs = await startWorker(t.config, t.database, createLogger('silent'));
    tenant = await createTestTenant(t, 'Boulangerie');
    owner = await sessionFor(t, tenant, 'owner@boulangerie.test', 'owner');
  });
  afterAll(async () => {
    await jobs.stop();
    await t.close();
  });

  const deps = (tx: Parameters<Parameters<typeof withTenant>[2]>[0]) => ({
    config: t.config,
    enqueue: (queue: 'notification-send', data: { tenantId: string; notificationId: string }) =>
      jobs.sendInTx(tx, queue, data),
  });
  const row = async (dedupKey: string) =>
    (
      await systemRows<{ locale: string; subject: string; text: string; html: string }>(
        t.database,
        `select locale, subject, text, html from notifications where tenant_id = '${tenant.id}' and dedup_key = '${dedupKey}'`,
      )
    )[0]!;
  const receipt = (dedupKey: string, locale: string | null) =>
    withTenant(t.database.db, tenant.id, (tx) =>
      emailCustomer(tx, deps(tx), {
        tenantId: tenant.id,
        template: 'receipt',
        to: 'client@exemple.test',
        locale,
        dedupKey,
        data: {
          amount: 1250,
          currency: 'eur',
          lines: [{ description: 'Croissants', quantity: 5, unitAmount: 250 }],
          receiptNumber: '1234-5678',
          receiptUrl: 'https://pay.stripe.test/receipts/1',
          paidAt: '2026-12-01T10:00:00.000Z',
          invoiceId: null,
        },
      }),
    );

  it("a customer's receipt in French: words, euros and the date", async () => {
    await receipt('receipt:fr', 'fr-FR');
    const n = await row('receipt:fr');
    expect(n.locale).toBe('fr');
    expect(n.subject).toBe('Votre reçu de Boulangerie n° 1234-5678');
    const text = plain(n.text);
    expect(text).toContain('Merci pour votre paiement de 12,50 €.');
    expect(text).toContain('Payé le');
    expect(text).toContain('1 décembre 2026 à 10:00:00 UTC');
    expect(text).toContain('Numéro de reçu');
    expect(text).toContain('Boulangerie vous a envoyé cet e-mail');
    expect(plain(n.html)).toContain('Voir votre reçu');
  });

  it('a language we do not write in falls back to the tenant’s, then English', async () => {
    await receipt('receipt:es', 'es-ES');
    expect(await row('receipt:es')).toMatchObject({
      locale: 'en',
      subject: 'Your receipt from Boulangerie #1234-5678',
    });
  });

  it("owners' alerts follow the tenant's language, set with its branding", async () => {
    const set = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/branding`,
      headers: asSession(owner),
      payload: { email_locale: 'de' },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().email_locale).toBe('de');
    const bad = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/branding`,
      headers: asSession(owner),
      payload: { email_locale: 'xx' },
    });
    expect(bad.statusCode).toBe(400);
    await withTenant(t.database.db, tenant.id, (tx) =>
      alertOwners(tx, deps(tx), {
        tenantId: tenant.id,
        template: 'dispute_opened',
        dedupKey: 'dispute:de',
        data: {
          disputeId: 'dsp_1',
          paymentId: 'pay_1',
          amount: 4000,
          currency: 'eur',
          reason: 'fraudulent',
          evidenceDueBy: '2026-12-20T23:59:59.000Z',
        },
      }),
    );
    const n = await row('dispute:de');
    expect(n.locale).toBe('de');
    expect(plain(n.subject)).toBe(
      'Handlungsbedarf: Eine Zahlung über 40,00 € an Boulangerie wird angefochten',
    );
    expect(plain(n.text)).toContain('20. Dezember 2026');
    // a customer with no language of their own gets the tenant's
    await receipt('receipt:none', null);
    expect((await row('receipt:none')).locale).toBe('de');
  });

  it('every language has every message: no template falls back to English words', () => {
    const keys = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null ? keys(v).map((x) => `${k}.${x}`) : [k],
      );
    const reference = keys(messagesFor('en')).sort();
    for (const locale of emailLocales) expect(keys(messagesFor(locale)).sort()).toEqual(reference);
    expect(templateNames.length).toBeGreaterThanOrEqual(13);
  });
});

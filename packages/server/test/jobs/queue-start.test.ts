import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';

/** Settles `reply` or fails naming `what`, well before the test's own timeout. */
async function within<T>(reply: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} never answered`)), ms);
  });
  try {
    return await Promise.race([reply, hung]);
  } finally {
    clearTimeout(timer);
  }
}

// An app built without a job queue starts its own on first use. On PGlite that start needs the one
// connection, so a request that first reaches for the queue inside its transaction must not wait there.
describe('a job queue started on first use', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const t of apps) await t.close();
  });

  async function freshTenant() {
    const t = await startTestApp();
    apps.push(t);
    const tenant = await createTestTenant(t);
    await connectTenant(t, tenant);
    const api = tenantApi(t, tenant);
    const draft = await api('POST', '/invoices', {
      lines: [{ description: 'Work', quantity: 1, unit_amount: 2500 }],
      currency: 'usd',
    });
    expect(draft.statusCode, draft.body).toBe(200);
    return { api, invoice: draft.json().id as string };
  }

  let first: Awaited<ReturnType<typeof freshTenant>>;
  let second: Awaited<ReturnType<typeof freshTenant>>;
  beforeAll(async () => {
    first = await freshTenant();
    second = await freshTenant();
  });

  it("is started before sending an invoice's transaction, not inside it", async () => {
    const sent = await within(first.api('POST', `/invoices/${first.invoice}/send`), 'the send');
    expect(sent.statusCode, sent.body).toBe(200);
    expect(sent.json()).toMatchObject({ status: 'open' });
  });

  it("is started before voiding an invoice's transaction, not inside it", async () => {
    const voided = await within(second.api('POST', `/invoices/${second.invoice}/void`), 'the void');
    expect(voided.statusCode, voided.body).toBe(200);
    expect(voided.json()).toMatchObject({ status: 'void' });
  });
});

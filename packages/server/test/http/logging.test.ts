import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { withFailingRows } from '../helpers/faults.ts';
import { connectTenant } from '../helpers/payments.ts';

/**
 * What real requests log carries no dashboard-link token, no token or code from
 * a redirect's query string, and no database parameters — a failed query logs its Postgres code and table,
 * never the values it tried to write (client secrets, customers' e-mail addresses).
 */
describe('request logs', () => {
  const lines: string[] = [];
  const out = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  let t: TestApp;
  let tenant: TestTenant;
  const logged = () => lines.join('');

  beforeAll(async () => {
    t = await startTestApp({ log: createLogger('info', false, out) });
    tenant = await createTestTenant(t, 'Logged tenant');
    await connectTenant(t, tenant);
  });
  afterAll(() => t.close());

  it('a dashboard link is logged without its token', async () => {
    const link = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/dashboard_links`,
      headers: bearer(tenant.key),
      payload: { email: `logged-${randomBytes(3).toString('hex')}@example.com`, role: 'member' },
    });
    expect(link.statusCode, link.body).toBe(200);
    const path = new URL(link.json().url).pathname;
    const token = path.split('/').pop()!;
    expect(token.length).toBeGreaterThan(10);
    lines.length = 0;
    const opened = await t.app.inject({ method: 'GET', url: path });
    expect(opened.statusCode).toBe(303);
    expect(logged()).toContain('/auth/link/');
    expect(logged()).not.toContain(token);
  });

  it("Connect's return, refresh and OAuth redirects are logged without their query values", async () => {
    const secrets = ['tok-return-5b8e1f', 'tok-refresh-77ac02', 'ac_code9d1e4f', 'state-c03a7b'];
    lines.length = 0;
    await t.app.inject({ method: 'GET', url: `/connect/onboarding/return?t=${secrets[0]}` });
    await t.app.inject({ method: 'GET', url: `/connect/onboarding/refresh?t=${secrets[1]}` });
    await t.app.inject({
      method: 'GET',
      url: `/connect/oauth/callback?code=${secrets[2]}&state=${secrets[3]}`,
    });
    expect(logged()).toContain('/connect/oauth/callback');
    for (const s of secrets) expect(logged()).not.toContain(s);
  });

  it('a failed query logs its code and table, not the client_secret it was storing', async () => {
    const key = `log-${randomBytes(6).toString('hex')}`;
    lines.length = 0;
    const res = await withFailingRows(
      t.database,
      'idempotency_keys',
      `key = '${key}' and status = 'completed'`,
      () =>
        t.app.inject({
          method: 'POST',
          url: `/v1/tenants/${tenant.publicId}/payment_intents`,
          headers: { ...bearer(tenant.key), 'idempotency-key': key },
          payload: { amount: 1234, currency: 'usd' },
        }),
    );
    const secret = /pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+/.exec(res.body)?.[0];
    expect(secret, res.body).toBeDefined();
    const text = logged();
    expect(text).toContain('23514'); // check_violation, the constraint the test added
    expect(text).toContain('idempotency_keys');
    expect(text).not.toContain(secret!);
    expect(text).not.toContain('_secret_');
    expect(text).not.toMatch(/params:|Failed query: /);
  });

  it("a failed insert logs no customer's personal data", async () => {
    const email = `pii-${randomBytes(4).toString('hex')}@example.com`;
    const name = `Person ${randomBytes(4).toString('hex')}`;
    lines.length = 0;
    const res = await withFailingRows(t.database, 'customers', `email = '${email}'`, () =>
      t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}/customers`,
        headers: bearer(tenant.key),
        payload: { email, name },
      }),
    );
    expect(res.statusCode).toBe(500);
    const text = logged();
    expect(text).toContain('23514');
    expect(text).toContain('customers');
    expect(text).not.toContain(email);
    expect(text).not.toContain(name);
    expect(text).not.toMatch(/params:|Failed query: |Failing row/);
  });
});

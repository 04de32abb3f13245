import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/**
 * Setting a billing contact mails a link to an address outside the team: a tenant gets 3 of them an hour,
 * an address 5 a day from all tenants together; beyond, 429 with Retry-After and nothing changes.
 */
describe('billing contact verification e-mails are limited', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  let ownerA: TestSession;
  let ownerB: TestSession;

  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    a = await createTestTenant(t, 'Limit A');
    b = await createTestTenant(t, 'Limit B');
    ownerA = await sessionFor(t, a, 'owner@limit-a.test', 'owner');
    ownerB = await sessionFor(t, b, 'owner@limit-b.test', 'owner');
  });
  afterAll(() => t.close());

  const set = (tenant: TestTenant, session: TestSession, email: string | null) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/billing_contact`,
      headers: asSession(session),
      payload: { email },
    });
  const mailsTo = async (address: string) =>
    (
      await systemRows<{ n: number }>(
        t.database,
        `select count(*)::int as n from notifications where template = 'billing_contact_verification'
           and '${address}' = any(recipients)`,
      )
    )[0]!.n;

  it('a tenant sends 3 an hour; the 4th is refused with Retry-After, changing nothing', async () => {
    for (const n of [1, 2, 3])
      expect((await set(a, ownerA, `victim${n}@stranger.test`)).statusCode).toBe(200);
    const refused = await set(a, ownerA, 'victim4@stranger.test');
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json().error).toMatchObject({
      code: 'billing_contact_rate_limited',
      type: 'rate_limit_error',
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3500);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await mailsTo('victim4@stranger.test')).toBe(0);
    const branding = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.publicId}/branding`,
      headers: asSession(ownerA),
    });
    expect(branding.json().billing_contact).toMatchObject({ email: 'victim3@stranger.test' });
    // nor can the mailbox send one again
    const [sent] = await systemRows<{ id: string }>(
      t.database,
      `select id from notifications where tenant_id = '${a.id}' and template = 'billing_contact_verification' limit 1`,
    );
    const resend = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${a.publicId}/notifications/ntf_${sent!.id.replaceAll('-', '')}/resend`,
      headers: asSession(ownerA),
    });
    expect(resend.statusCode).toBe(409);
    expect(resend.json().error.code).toBe('notification_not_resendable');
    // removing the contact mails nobody and is never refused
    expect((await set(a, ownerA, null)).statusCode).toBe(200);
  });

  it('an address gets 5 a day from all tenants together', async () => {
    const target = 'target@stranger.test';
    const c = await createTestTenant(t, 'Limit C');
    const ownerC = await sessionFor(t, c, 'owner@limit-c.test', 'owner');
    for (let n = 0; n < 3; n++) expect((await set(c, ownerC, target)).statusCode).toBe(200);
    for (let n = 0; n < 2; n++) expect((await set(b, ownerB, target)).statusCode).toBe(200);
    expect(await mailsTo(target)).toBe(5);
    // B has sent 2 this hour: the address's limit refuses the 3rd, not the tenant's
    const refused = await set(b, ownerB, target);
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.json().error.code).toBe('billing_contact_rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(86_000);
    expect(await mailsTo(target)).toBe(5);
    // another address is still B's to verify
    expect((await set(b, ownerB, 'other@stranger.test')).statusCode).toBe(200);
  });
});

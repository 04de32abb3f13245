import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorSession } from '../helpers/access.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  restrictedKey,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { ownerSql, systemRows } from '../helpers/webhooks.ts';

// Findings of the adversarial review of issue 23, each failing before its fix: what a support caller may
// see (no raw Stripe payloads), the limits on platform-wide callers and tenants' refreshes, a lookup that
// finds nothing audited, and an amount beyond the integer range a 400.

describe('review: support role and support queries', () => {
  let t: TestApp;
  let operator: TestSession;
  let a: TestTenant;
  let member: TestSession;
  let agent: TestSession;

  const get = (url: string, headers: Record<string, string>) => t.app.inject({ method: 'GET', url, headers });

  async function supportOperator(email: string): Promise<TestSession> {
    const invited = await t.app.inject({
      method: 'POST',
      url: '/v1/support_users',
      headers: asSession(operator),
      payload: { email },
    });
    if (invited.statusCode !== 200) throw new Error(invited.body);
    const token = new URL(invited.json().url).searchParams.get('token')!;
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/support_invitation',
      payload: { token, password: 'a long support password' },
    });
    if (accepted.statusCode !== 200) throw new Error(accepted.body);
    const cookie = `trb_session=${accepted.cookies.find((c) => c.name === 'trb_session')!.value}`;
    const session = (await get('/v1/auth/session', { cookie })).json();
    return { cookie, csrf: session.csrf_token, userId: session.user.id };
  }

  beforeAll(async () => {
    t = await startTestApp({
      env: { PUBLIC_URL: 'http://tributary.test', SUPPORT_RATE_LIMIT_PER_MINUTE: '3' },
    });
    operator = await operatorSession(t);
    a = await createTestTenant(t, 'Review A');
    member = await sessionFor(t, a, 'review-support-member@example.com', 'support');
    agent = await supportOperator('review-agent@example.com');
    const pm = {
      id: 'pm_review1',
      object: 'payment_method',
      type: 'card',
      customer: 'cus_review1',
      card: {
        brand: 'visa',
        last4: '4242',
        exp_month: 12,
        exp_year: 2030,
        fingerprint: 'FPRINTreview0001',
        country: 'US',
        funding: 'credit',
        checks: { cvc_check: 'pass', address_line1_check: 'pass', address_postal_code_check: 'pass' },
      },
      billing_details: {
        name: 'Jo Doe',
        email: 'jo@example.com',
        phone: '+15555550100',
        address: { line1: '1 Secret Street', city: 'Springfield', postal_code: '99999', country: 'US' },
      },
    };
    const acct = {
      id: 'acct_review1',
      object: 'account',
      external_accounts: {
        object: 'list',
        data: [
          {
            id: 'ba_review1',
            object: 'bank_account',
            routing_number: '110000000',
            last4: '6789',
            account_holder_name: 'Other Tenant LLC',
          },
        ],
      },
      individual: { first_name: 'Ann', last_name: 'Owner', dob: { day: 1, month: 2, year: 1980 } },
    };
    const ev = (id: string, tenant: string | null, type: string, object: unknown) =>
      `insert into stripe_events (id, tenant_id, type, account, source, created, payload, status)
       values ('${id}', ${tenant ? `'${tenant}'` : 'null'}, '${type}', null, 'platform', now(),
               '${JSON.stringify({ id, object: 'event', type, created: 1764806400, data: { object } })}'::jsonb,
               'processed')`;
    await ownerSql(t.database, ev('evt_reviewpm', a.id, 'payment_method.attached', pm));
    await ownerSql(t.database, ev('evt_reviewacct', null, 'account.updated', acct));
  });
  afterAll(() => t?.close());

  // issue 23: "saved payment methods (brand, last4, expiry — never more)"; views.ts: "never a fingerprint,
  // billing details or anything else of the card". The support role holds events:read, whose detail route
  // returns Stripe's raw payload.
  it("a tenant's support member never sees a card's fingerprint or billing address", async () => {
    const res = await get(`/v1/tenants/${a.publicId}/events/evt_reviewpm`, asSession(member));
    if (res.statusCode === 200) {
      expect(res.body).not.toContain('FPRINTreview0001');
      expect(res.body).not.toContain('1 Secret Street');
    } else expect(res.statusCode).toBe(403);
  });

  // scopes.ts supportScopes: "Nothing else: no team, keys, audit log, fees, analytics, plans, Stripe account".
  // requirePlatformScope lets a support user through every `{ platform: 'events:read' }` route: the
  // platform's own events, with any connected account's bank details and representative.
  it("an operator's support user cannot read a Stripe account's bank details through platform events", async () => {
    const res = await get('/v1/events/evt_reviewacct', asSession(agent));
    if (res.statusCode === 200) {
      expect(res.body).not.toContain('110000000');
      expect(res.body).not.toContain('"dob"');
    } else expect(res.statusCode).toBe(403);
  });

  // docs/support.md "Rate limit": platform-wide callers are limited per credential so a leaked credential
  // cannot sweep every tenant. The operator's support users read every tenant, yet the route's allowList
  // exempts them (isPlatform is false for them).
  it("limits the operator's support users like any platform-wide caller", async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++)
      codes.push(
        (await get(`/v1/support/customers?email=nobody%40example.com&tenant=${a.publicId}`, asSession(agent)))
          .statusCode,
      );
    expect(codes).toContain(429);
  });

  it("limits a tenant's refreshes per tenant, not its lookups from the mirror", async () => {
    const key = await restrictedKey(t, a, ['support:read']);
    const codes = async (q: string) => {
      const out: number[] = [];
      for (let i = 0; i < 5; i++)
        out.push((await get(`/v1/support/customers/cus_refreshlimit${q}`, bearer(key))).statusCode);
      return out;
    };
    expect(await codes('')).toEqual([404, 404, 404, 404, 404]);
    const refreshed = await codes('?refresh=true');
    expect(refreshed).toContain(429);
    expect(refreshed.slice(0, 3)).toEqual([404, 404, 404]);
  });

  it("lets the operator's support users search every tenant with a reason, as the platform does", async () => {
    const other = await supportOperator('wide-agent@example.com');
    const none = await get('/v1/support/customers?email=nobody%40example.com', asSession(other));
    expect(none.statusCode, none.body).toBe(400);
    expect(none.json().error.code).toBe('support_tenant_or_reason_required');
    const wide = await get(
      '/v1/support/customers?email=nobody%40example.com&reason=ticket%204711',
      asSession(other),
    );
    expect(wide.statusCode, wide.body).toBe(200);
    const [entry] = await systemRows<{ data: { reason?: string; across_tenants?: boolean } }>(
      t.database,
      `select data from audit_log where action = 'support.customers.searched' order by created_at desc limit 1`,
    );
    expect(entry!.data).toMatchObject({ reason: 'ticket 4711', across_tenants: true });
  });

  // docs/support.md "The audit": "Every lookup writes one audit entry ... before the read — so a lookup is
  // on record even when it finds nothing". customerDetail locates the customer before recordLookup: a probe
  // of ids that do not exist leaves no trace.
  it('records a customer lookup that finds nothing', async () => {
    const key = await restrictedKey(t, a, ['support:read']);
    const before = await systemRows<{ n: number }>(
      t.database,
      `select count(*)::int as n from audit_log where action like 'support.%'`,
    );
    const res = await get('/v1/support/customers/cus_doesnotexist1', bearer(key));
    expect(res.statusCode).toBe(404);
    const after = await systemRows<{ n: number }>(
      t.database,
      `select count(*)::int as n from audit_log where action like 'support.%'`,
    );
    expect(after[0]!.n).toBeGreaterThan(before[0]!.n);
  });
});

describe('review: support search bad input', () => {
  let t: TestApp;
  let a: TestTenant;
  beforeAll(async () => {
    t = await startTestApp();
    a = await createTestTenant(t, 'Review bad input');
  });
  afterAll(() => t?.close());

  // schemas.ts accepts `amount` up to 12 digits; payments.amount is a Postgres integer (at most 2147483647):
  // the comparison's parameter overflows in Postgres — must be a 400 with a stable code, never a 5xx.
  it('an amount beyond the integer range is a 400, not a 500', async () => {
    const key = await restrictedKey(t, a, ['support:read']);
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/support/customers?last4=4242&amount=99999999999',
      headers: bearer(key),
    });
    expect(res.statusCode, res.body).toBe(400);
  });
});

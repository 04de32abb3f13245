import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readScopes, scopesForRole, supportScopes } from '../../src/scope/scopes.ts';
import { openLink, operatorSession } from '../helpers/access.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { fillPayments } from '../helpers/payments.ts';
import { platformRoutes, type RouteCase, tenantRoutes } from '../helpers/routes.ts';

/**
 * Issue 23's support role for dashboard users: a tenant's support member (a membership role) and the
 * operator's support users (invited from the operator dashboard) read customers and their money and change
 * nothing.
 */
describe('the support role', () => {
  let t: TestApp;
  let operator: TestSession;
  let a: TestTenant;
  let b: TestTenant;
  let owner: TestSession;
  let admin: TestSession;

  beforeAll(async () => {
    t = await startTestApp({ env: { PUBLIC_URL: 'http://tributary.test' } });
    operator = await operatorSession(t);
    a = await createTestTenant(t, 'Support A');
    b = await createTestTenant(t, 'Support B');
    owner = await sessionFor(t, a, 'support-a-owner@example.com', 'owner');
    admin = await sessionFor(t, a, 'support-a-admin@example.com', 'admin');
  });
  afterAll(() => t?.close());

  const get = (url: string, s: TestSession) => t.app.inject({ method: 'GET', url, headers: asSession(s) });

  /**
   * Every route that is not a GET: each refused with 403 forbidden before it reads its body — but the one POST
   * that changes nothing and needs a scope of the support role (an e-mail's preview with a draft of the
   * branding, `tenants:read`).
   */
  async function expectNoWrites(s: TestSession, tenant: TestTenant) {
    const nonGet = [...tenantRoutes, ...platformRoutes].filter((r: RouteCase) => r.method !== 'GET');
    const held = new Set<string>(supportScopes);
    const reads = nonGet.filter((r) => held.has(r.access)).map((r) => `${r.method} ${r.path}`);
    expect(reads).toEqual(['POST /v1/tenants/:id/branding/preview']);
    const writes = nonGet.filter((r) => !held.has(r.access));
    expect(writes.length).toBeGreaterThan(50);
    const allowed: string[] = [];
    for (const route of writes) {
      const url = fillPayments(
        route.path
          .replace(':id', tenant.publicId)
          .replace(':user_id', s.userId)
          .replace(':key_id', 'key_00000000000000000000000000000000')
          .replace(':endpoint_id', 'we_00000000000000000000000000000000'),
        {},
      );
      const res = await t.app.inject({
        method: route.method,
        url,
        headers: { ...asSession(s), 'idempotency-key': `support-${Math.random()}` },
        payload: route.body,
      });
      if (res.statusCode !== 403 || res.json().error.code !== 'forbidden')
        allowed.push(`${route.method} ${route.path}: ${res.statusCode} ${res.body.slice(0, 120)}`);
    }
    expect(allowed).toEqual([]);
  }

  it('holds the support API and the reads a support agent needs, nothing else; below member', () => {
    expect([...scopesForRole('support')].sort()).toEqual(
      [
        'support:read',
        'tenants:read',
        'customers:read',
        'payments:read',
        'refunds:read',
        'disputes:read',
        'invoices:read',
        'subscriptions:read',
      ].sort(),
    );
    expect(supportScopes.every((s) => readScopes.includes(s))).toBe(true);
  });

  describe("a tenant's support member", () => {
    let support: TestSession;
    beforeAll(async () => {
      // the platform's app mints the link, as for any role
      support = await sessionFor(t, a, 'support-a-agent@example.com', 'support');
    });

    it('is granted by whoever may grant a member (owners, admins); a member grants nothing', async () => {
      const member = await sessionFor(t, a, 'support-a-member@example.com', 'member');
      for (const [s, status] of [
        [owner, 200],
        [admin, 200],
        [member, 403],
      ] as const) {
        const res = await t.app.inject({
          method: 'POST',
          url: `/v1/tenants/${a.publicId}/invitations`,
          headers: asSession(s),
          payload: { email: `support-invitee-${status}-${s.userId}@example.com`, role: 'support' },
        });
        expect(res.statusCode, res.body).toBe(status);
        if (status === 200) expect(res.json().role).toBe('support');
      }
      // an owner lowers a member to support; the team lists the role
      const lowered = await t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${a.publicId}/members/${member.userId}`,
        headers: asSession(owner),
        payload: { role: 'support' },
      });
      expect(lowered.statusCode, lowered.body).toBe(200);
      expect((await get('/v1/auth/session', member)).json().memberships[0].role).toBe('support');
    });

    it('reads customers and their money in its tenant only; not the team, keys, audit log or fees', async () => {
      const session = (await get('/v1/auth/session', support)).json();
      expect(session.memberships).toEqual([
        { tenant: { id: a.publicId, name: 'Support A' }, role: 'support' },
      ]);
      expect(session.user.operator_role).toBeNull();
      for (const path of ['', '/customers', '/payments', '/invoices', '/subscriptions']) {
        const res = await get(`/v1/tenants/${a.publicId}${path}`, support);
        expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
      }
      for (const path of [
        '/members',
        '/api_keys',
        '/audit_log',
        '/invitations',
        '/analytics/mrr',
        '/events',
      ]) {
        const res = await get(`/v1/tenants/${a.publicId}${path}`, support);
        expect(res.statusCode, `${path}: ${res.body}`).toBe(403);
      }
      expect((await get(`/v1/tenants/${b.publicId}/customers`, support)).statusCode).toBe(404);
    });

    it('is refused every write route (403)', async () => {
      await expectNoWrites(support, a);
    });
  });

  describe("the operator's support users", () => {
    let supportUser: TestSession;
    let url: string;
    let id: string;

    it('are invited by the operator with a single-use link to set a password, then sign in', async () => {
      const invited = await t.app.inject({
        method: 'POST',
        url: '/v1/support_users',
        headers: asSession(operator),
        payload: { email: 'Agent@Example.com', name: 'Agent' },
      });
      expect(invited.statusCode, invited.body).toBe(200);
      expect(invited.json()).toMatchObject({
        object: 'support_user',
        email: 'Agent@Example.com',
        status: 'invited',
      });
      ({ url, id } = invited.json());
      expect(url).toMatch(/^http:\/\/tributary\.test\/support-invitation\?token=[\w-]{43}$/);
      const token = new URL(url).searchParams.get('token')!;

      // the token is stored hashed, never as given
      const audit = await t.app.inject({
        method: 'GET',
        url: '/v1/audit_log?limit=100',
        headers: bearer(t.platformKey),
      });
      expect(audit.body).not.toContain(token);

      const weak = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/support_invitation',
        payload: { token, password: 'short' },
      });
      expect(weak.json().error).toMatchObject({ code: 'parameter_invalid', param: 'password' });
      const forged = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/support_invitation',
        // one character off (never the same one: a token may end in x)
        payload: {
          token: `${token.slice(0, -1)}${token.endsWith('x') ? 'y' : 'x'}`,
          password: 'a long support password',
        },
      });
      expect(forged.statusCode).toBe(403);
      expect(forged.json().error.code).toBe('support_invitation_invalid');

      const accepted = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/support_invitation',
        payload: { token, password: 'a long support password' },
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
      const again = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/support_invitation',
        payload: { token, password: 'another long password' },
      });
      expect(again.json().error.code).toBe('support_invitation_invalid');

      const login = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'agent@example.com', password: 'a long support password' },
      });
      expect(login.statusCode, login.body).toBe(200);
      const cookie = `trb_session=${login.cookies.find((c) => c.name === 'trb_session')!.value}`;
      const session = (
        await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie } })
      ).json();
      expect(session.user).toMatchObject({ is_operator: false, operator_role: 'support', id });
      supportUser = { cookie, csrf: session.csrf_token, userId: session.user.id };

      const listed = await t.app.inject({
        method: 'GET',
        url: '/v1/support_users',
        headers: asSession(operator),
      });
      // support users are the platform's: other test files on this database add theirs
      const mine = listed.json().data.filter((u: { email: string }) => u.email === 'Agent@Example.com');
      expect(mine).toEqual([expect.objectContaining({ id, status: 'active', invitation_expires_at: null })]);
    });

    it('read every tenant, platform-wide, with the support role’s scopes only', async () => {
      const tenants = await get('/v1/tenants?limit=100', supportUser);
      expect(tenants.statusCode, tenants.body).toBe(200);
      const ids = tenants.json().data.map((r: { id: string }) => r.id);
      expect(ids).toEqual(expect.arrayContaining([a.publicId, b.publicId]));
      expect(tenants.json().data[0].billing).toBeUndefined();
      for (const tenant of [a, b]) {
        for (const path of ['', '/customers', '/payments', '/invoices', '/subscriptions']) {
          const res = await get(`/v1/tenants/${tenant.publicId}${path}`, supportUser);
          expect(res.statusCode, `${path}: ${res.body}`).toBe(200);
        }
        for (const path of ['/members', '/api_keys', '/audit_log', '/events']) {
          expect((await get(`/v1/tenants/${tenant.publicId}${path}`, supportUser)).statusCode).toBe(403);
        }
      }
      for (const path of [
        '/v1/api_keys',
        '/v1/audit_log',
        '/v1/support_users',
        '/v1/analytics/fees',
        '/v1/events',
      ]) {
        expect((await get(path, supportUser)).statusCode, path).toBe(403);
      }
      // a tenant that does not exist is a 404, as for the operator
      const missing = await get('/v1/tenants/ten_00000000000000000000000000000000/customers', supportUser);
      expect(missing.statusCode).toBe(404);
    });

    it('are refused every write route (403)', async () => {
      await expectNoWrites(supportUser, a);
    });

    it("are never signed in, nor made, by a tenant's dashboard link", async () => {
      const link = await t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${a.publicId}/dashboard_links`,
        headers: bearer(t.platformKey),
        payload: { email: 'agent@example.com', role: 'admin' },
      });
      expect(link.statusCode).toBe(200);
      expect(await openLink(t, link.json().url)).toBeNull();
      // and a tenant's member cannot be made a support user
      const member = await t.app.inject({
        method: 'POST',
        url: '/v1/support_users',
        headers: asSession(operator),
        payload: { email: 'support-a-owner@example.com' },
      });
      expect(member.statusCode).toBe(409);
      expect(member.json().error).toMatchObject({ code: 'resource_exists', param: 'email' });
    });

    it('are revoked by the operator: their sessions end at once; each step is in the audit log', async () => {
      // a pending invitation's link stops working once revoked
      const pending = await t.app.inject({
        method: 'POST',
        url: '/v1/support_users',
        headers: asSession(operator),
        payload: { email: 'pending-agent@example.com' },
      });
      const revokedPending = await t.app.inject({
        method: 'DELETE',
        url: `/v1/support_users/${pending.json().id}`,
        headers: asSession(operator),
      });
      expect(revokedPending.json()).toMatchObject({ status: 'revoked', invitation_expires_at: null });
      const late = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/support_invitation',
        payload: {
          token: new URL(pending.json().url).searchParams.get('token'),
          password: 'a long password!',
        },
      });
      expect(late.json().error.code).toBe('support_invitation_invalid');

      const revoked = await t.app.inject({
        method: 'DELETE',
        url: `/v1/support_users/${id}`,
        headers: asSession(operator),
      });
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect((await get('/v1/auth/session', supportUser)).statusCode).toBe(401);
      const login = await t.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'agent@example.com', password: 'a long support password' },
      });
      expect(login.statusCode).toBe(401);
      const twice = await t.app.inject({
        method: 'DELETE',
        url: `/v1/support_users/${id}`,
        headers: asSession(operator),
      });
      expect(twice.statusCode).toBe(404);

      const audit = await t.app.inject({
        method: 'GET',
        url: '/v1/audit_log?limit=100',
        headers: bearer(t.platformKey),
      });
      const actions = audit
        .json()
        .data.filter((e: { target: string | null }) => e.target === id)
        .map((e: { action: string }) => e.action);
      expect(actions).toEqual([
        'support_user.revoked',
        // the tenant's dashboard link above, refused in the platform's log
        'dashboard_link.refused',
        'support_user.joined',
        'support_user.invited',
      ]);
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as authRepo from '../../src/auth/repo.ts';
import { withSystem } from '../../src/db/tenant.ts';
import { fromPublicId } from '../../src/http/ids.ts';
import { allScopes, scopesForRole } from '../../src/scope/scopes.ts';
import { randomToken, sha256 } from '../../src/secrets.ts';
import { describeSession, openLink, operatorSession } from '../helpers/access.ts';
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

const readScopes = allScopes.filter((s) => s.endsWith(':read'));

/**
 * A dashboard link signs in a session bound to the link's tenant with at most the
 * link's role, never the operator, never more than its creator holds; the answer reveals nothing about the
 * account behind the e-mail.
 */
describe('dashboard links and the credentials they grant', () => {
  let t: TestApp;
  let operator: TestSession & { email: string };
  let a: TestTenant;
  let b: TestTenant;
  let aOwner: TestSession;
  let aAdmin: TestSession;

  beforeAll(async () => {
    t = await startTestApp();
    operator = await operatorSession(t);
    a = await createTestTenant(t, 'Links A');
    b = await createTestTenant(t, 'Links B');
    aOwner = await sessionFor(t, a, 'links-a-owner@example.com', 'owner');
    aAdmin = await sessionFor(t, a, 'links-a-admin@example.com', 'admin');
    await sessionFor(t, b, 'links-b-admin@example.com', 'admin');
  });
  afterAll(() => t?.close());

  const link = (tenant: TestTenant, headers: Record<string, string>, payload: object) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/dashboard_links`,
      headers,
      payload,
    });
  const withoutRequestId = (body: { error: Record<string, unknown> }) => ({
    ...body.error,
    request_id: undefined,
  });

  it("answers a link for the operator's e-mail exactly as for anyone's, and that link signs nobody in", async () => {
    const readers = await restrictedKey(t, a, ['members:write', ...readScopes]);
    const expired = await t.app.inject({ method: 'GET', url: `/auth/link/${randomToken(43)}` });
    for (const headers of [
      bearer(a.key),
      asSession(aAdmin),
      asSession(aOwner),
      bearer(readers),
      bearer(t.platformKey),
    ]) {
      for (const email of [operator.email, 'OPERATOR@Tributary.test']) {
        const anyone = await link(a, headers, {
          email: `links-anyone-${randomToken(8)}@example.com`,
          role: 'member',
        });
        const res = await link(a, headers, { email, role: 'member' });
        // the reported probe: 200 for any e-mail, 403 for the operator's
        expect(res.statusCode, res.body).toBe(anyone.statusCode);
        expect(res.statusCode).toBe(200);
        const [op, other] = [res.json(), anyone.json()];
        expect(Object.keys(op).sort()).toEqual(Object.keys(other).sort());
        expect(op).toMatchObject({ object: 'dashboard_link', email, role: 'member' });
        expect(op.url).toMatch(/\/auth\/link\/[0-9A-Za-z]{43}$/);
        expect(other.url).toMatch(/\/auth\/link\/[0-9A-Za-z]{43}$/);
        expect(Math.abs(op.expires_at - other.expires_at)).toBeLessThanOrEqual(1);
        // opening it is refused exactly like an expired link: no session, the same redirect
        const opened = await t.app.inject({ method: 'GET', url: new URL(op.url).pathname });
        expect(opened.statusCode).toBe(expired.statusCode);
        expect(opened.headers.location).toBe(expired.headers.location);
        expect(opened.cookies.find((c) => c.name === 'trb_session')).toBeUndefined();
      }
    }
    // the tenant's audit log shows what its caller was told; the platform's records the refusal
    const tenantLog = (
      await t.app.inject({
        method: 'GET',
        url: `/v1/tenants/${a.publicId}/audit_log?limit=100`,
        headers: bearer(a.key),
      })
    ).json().data as { action: string; target: string | null; data: { email?: string } }[];
    const made = tenantLog.filter((e) => e.action === 'dashboard_link.created');
    expect(made.find((e) => e.data.email === operator.email)).toMatchObject({ target: null });
    expect(made.every((e) => e.target === null)).toBe(true);
    expect(tenantLog.some((e) => e.action === 'dashboard_link.refused')).toBe(false);
    const platformLog = (
      await t.app.inject({ method: 'GET', url: '/v1/audit_log?limit=100', headers: bearer(t.platformKey) })
    ).json().data as { action: string; data: { email?: string; tenant?: string } }[];
    expect(
      platformLog.filter((e) => e.action === 'dashboard_link.refused' && e.data.tenant === a.publicId).length,
    ).toBe(10);
  });

  it('a role the caller cannot grant is a 403 whatever the e-mail: it depends on the caller alone', async () => {
    const asOwnerLink = (email: string) => link(a, asSession(aAdmin), { email, role: 'owner' });
    const anyone = await asOwnerLink('links-someone-new@example.com');
    const op = await asOwnerLink(operator.email);
    expect(anyone.statusCode).toBe(403);
    expect(withoutRequestId(op.json())).toEqual(withoutRequestId(anyone.json()));
    // a members:write key lacks a member's read powers: refused before its body is read
    const membersOnly = await restrictedKey(t, a, ['members:write']);
    for (const email of [operator.email, 'links-someone-new@example.com'])
      expect((await link(a, bearer(membersOnly), { email, role: 'member' })).statusCode).toBe(403);
  });

  it("a link A makes for tenant B's admin signs in a session that reaches only A", async () => {
    const res = await link(a, bearer(a.key), { email: 'links-b-admin@example.com', role: 'admin' });
    expect(res.statusCode, res.body).toBe(200);
    const s = (await openLink(t, res.json().url))!;
    const view = await describeSession(t, s);
    expect(view.user.is_operator).toBe(false);
    expect(view.memberships).toEqual([{ tenant: { id: a.publicId, name: 'Links A' }, role: 'admin' }]);
    for (const url of [`/v1/tenants/${b.publicId}`, `/v1/tenants/${b.publicId}/members`]) {
      const res = await t.app.inject({ method: 'GET', url, headers: { cookie: s.cookie } });
      expect(res.statusCode, url).toBe(404);
    }
    const listed = await t.app.inject({ method: 'GET', url: '/v1/tenants', headers: { cookie: s.cookie } });
    expect(listed.json().data.map((x: { id: string }) => x.id)).toEqual([a.publicId]);
  });

  it('a session never carries a higher stored role: a member link for an owner acts as a member', async () => {
    const res = await link(a, asSession(aAdmin), { email: 'links-a-owner@example.com', role: 'member' });
    expect(res.statusCode, res.body).toBe(200);
    const s = (await openLink(t, res.json().url))!;
    expect((await describeSession(t, s)).memberships).toEqual([
      { tenant: { id: a.publicId, name: 'Links A' }, role: 'member' },
    ]);
    const key = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${a.publicId}/api_keys`,
      headers: asSession(s),
      payload: { name: 'as the owner?' },
    });
    expect(key.statusCode).toBe(403);
    // the stored owner is untouched; only the session is limited
    const members = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.publicId}/members`,
      headers: bearer(a.key),
    });
    const owner = members
      .json()
      .data.find((m: { user: { email: string } }) => m.user.email === 'links-a-owner@example.com');
    expect(owner.role).toBe('owner');
  });

  it('a stored role lowered or removed after the link was opened wins over the link', async () => {
    const res = await link(a, asSession(aOwner), { email: 'links-lowered@example.com', role: 'admin' });
    const s = (await openLink(t, res.json().url))!;
    expect((await describeSession(t, s)).memberships[0]?.role).toBe('admin');
    const lowered = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${a.publicId}/members/${s.userId}`,
      headers: asSession(aOwner),
      payload: { role: 'member' },
    });
    expect(lowered.statusCode, lowered.body).toBe(200);
    expect((await describeSession(t, s)).memberships[0]?.role).toBe('member');
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/v1/tenants/${a.publicId}/members/${s.userId}`,
      headers: asSession(aOwner),
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await describeSession(t, s)).memberships).toEqual([]);
    const tenant = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.publicId}`,
      headers: { cookie: s.cookie },
    });
    expect(tenant.statusCode).toBe(404);
  });

  it('a link lapses unopened when its creator can no longer grant it: demoted, removed, revoked', async () => {
    const set = (userId: string, role: string | null) =>
      t.app.inject({
        method: role ? 'POST' : 'DELETE',
        url: `/v1/tenants/${a.publicId}/members/${userId}`,
        headers: asSession(aOwner),
        ...(role ? { payload: { role } } : {}),
      });
    const made = async (headers: Record<string, string>, role = 'admin') => {
      const res = await link(a, headers, { email: `links-lapse-${randomToken(8)}@example.com`, role });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().url as string;
    };
    // an admin's admin link, the admin then demoted to member
    const demoted = await sessionFor(t, a, `links-demoted-${randomToken(6)}@example.com`, 'admin');
    const byDemoted = await made(asSession(demoted));
    expect((await set(demoted.userId, 'member')).statusCode).toBe(200);
    expect(await openLink(t, byDemoted)).toBeNull();
    // an admin's member link, the admin then removed
    const removed = await sessionFor(t, a, `links-removed-${randomToken(6)}@example.com`, 'admin');
    const byRemoved = await made(asSession(removed), 'member');
    expect((await set(removed.userId, null)).statusCode).toBe(200);
    expect(await openLink(t, byRemoved)).toBeNull();
    // a key's link, the key then revoked
    const key = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${a.publicId}/api_keys`,
      headers: bearer(a.key),
      payload: { name: 'links', type: 'restricted', scopes: ['members:write', ...readScopes] },
    });
    const byKey = await made(bearer(key.json().secret), 'member');
    await t.app.inject({
      method: 'DELETE',
      url: `/v1/tenants/${a.publicId}/api_keys/${key.json().id}`,
      headers: bearer(a.key),
    });
    expect(await openLink(t, byKey)).toBeNull();
    // while a creator that still may: the link works
    const kept = await sessionFor(t, a, `links-kept-${randomToken(6)}@example.com`, 'admin');
    expect(await openLink(t, await made(asSession(kept)))).not.toBeNull();
    const audit = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.publicId}/audit_log?limit=100`,
      headers: bearer(a.key),
    });
    expect(
      audit.json().data.filter((e: { action: string }) => e.action === 'dashboard_link.lapsed'),
    ).toHaveLength(3);
  });

  it('the audit log records links made and used, with the e-mail as given and the role', async () => {
    const made = await link(a, bearer(a.key), { email: 'Links-Audited@Example.com', role: 'member' });
    await openLink(t, made.json().url);
    const audit = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${a.publicId}/audit_log?limit=10`,
      headers: bearer(a.key),
    });
    const entries = audit.json().data as { action: string; actor: { type: string }; data: object }[];
    expect(entries.find((e) => e.action === 'dashboard_link.created')).toMatchObject({
      actor: { type: 'api_key' },
      data: { email: 'Links-Audited@Example.com', role: 'member' },
    });
    expect(entries.find((e) => e.action === 'dashboard_link.used')).toMatchObject({
      data: { role: 'member' },
    });
  });

  it('the answer never reveals whether the e-mail already had an account', async () => {
    await link(b, bearer(b.key), { email: 'links-bea@example.com', name: 'Bea Known', role: 'member' }).then(
      (r) => openLink(t, r.json().url),
    );
    const existing = await link(a, bearer(a.key), { email: 'LINKS-BEA@example.com', role: 'member' });
    const fresh = await link(a, bearer(a.key), { email: 'links-never-seen@example.com', role: 'member' });
    expect(existing.statusCode, existing.body).toBe(200);
    expect(Object.keys(existing.json()).sort()).toEqual(Object.keys(fresh.json()).sort());
    expect(existing.json()).toMatchObject({
      object: 'dashboard_link',
      email: 'LINKS-BEA@example.com',
      role: 'member',
    });
    expect(existing.body).not.toMatch(/usr_|Bea Known/);
    expect(fresh.body).not.toMatch(/usr_/);
  });

  it('a session a link opened before sessions were bound (no tenant, no password) signs nothing in', async () => {
    // test setup: the row an older server wrote for a dashboard link (no bound tenant)
    const token = randomToken(43);
    const userId = fromPublicId('user', aAdmin.userId)!;
    await withSystem(t.database.db, 'auth.session_lookup', (tx) =>
      authRepo.insertSession(tx, {
        userId,
        tokenHash: sha256(token),
        csrfToken: 'x'.repeat(32),
        ttlHours: 1,
      }),
    );
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/auth/session',
      headers: { cookie: `trb_session=${token}` },
    });
    expect(res.statusCode).toBe(401);
  });

  it("a members:write key cannot make an admin link (the issue's path to a secret key)", async () => {
    const membersOnly = await restrictedKey(t, a, ['members:write']);
    const admin = await link(a, bearer(membersOnly), { email: 'links-escalate@example.com', role: 'admin' });
    if (admin.statusCode === 200) {
      const s = (await openLink(t, admin.json().url))!;
      const sk = await t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${a.publicId}/api_keys`,
        headers: asSession(s),
        payload: { name: 'minted' },
      });
      expect(sk.statusCode, 'the link minted a secret key').not.toBe(200);
    }
    expect(admin.statusCode).toBe(403);
    // a member reads everything, which this key cannot
    expect(
      (await link(a, bearer(membersOnly), { email: 'links-m@example.com', role: 'member' })).statusCode,
    ).toBe(403);
    const readers = await restrictedKey(t, a, ['members:write', ...readScopes]);
    expect(
      (await link(a, bearer(readers), { email: 'links-m@example.com', role: 'member' })).statusCode,
    ).toBe(200);
    expect((await link(a, bearer(readers), { email: 'links-m@example.com', role: 'admin' })).statusCode).toBe(
      403,
    );
    const everything = await restrictedKey(t, a, allScopes);
    expect(
      (await link(a, bearer(everything), { email: 'links-m@example.com', role: 'admin' })).statusCode,
    ).toBe(200);
    expect(
      (await link(a, bearer(everything), { email: 'links-m@example.com', role: 'owner' })).statusCode,
    ).toBe(403);
  });

  it("changing a member's role never grants more than the caller holds", async () => {
    const target = await sessionFor(t, a, 'links-promote-me@example.com', 'member');
    const promote = (key: string, role: string) =>
      t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${a.publicId}/members/${target.userId}`,
        headers: bearer(key),
        payload: { role },
      });
    const membersOnly = await restrictedKey(t, a, ['members:write']);
    expect((await promote(membersOnly, 'admin')).statusCode).toBe(403);
    const readers = await restrictedKey(t, a, ['members:write', ...readScopes]);
    expect((await promote(readers, 'admin')).statusCode).toBe(403);
    expect((await promote(membersOnly, 'member')).statusCode).toBe(200);
    const everything = await restrictedKey(t, a, allScopes);
    expect((await promote(everything, 'owner')).statusCode).toBe(403);
    expect((await promote(everything, 'admin')).statusCode).toBe(200);
  });

  it('only an owner (or a secret key, or the platform) creates a secret key, which acts as an owner', async () => {
    const create = (headers: Record<string, string>, payload: object) =>
      t.app.inject({ method: 'POST', url: `/v1/tenants/${a.publicId}/api_keys`, headers, payload });
    const byAdmin = await create(asSession(aAdmin), { name: 'admin secret', type: 'secret' });
    expect(byAdmin.statusCode, byAdmin.body).toBe(403);
    const restricted = await create(asSession(aAdmin), {
      name: 'admin rk',
      type: 'restricted',
      // every scope an admin holds (not the owner's connect:manage)
      scopes: [...scopesForRole('admin')],
    });
    expect(restricted.statusCode, restricted.body).toBe(200);
    expect((await create(asSession(aOwner), { name: 'owner secret' })).statusCode).toBe(200);
    expect((await create(bearer(a.key), { name: 'sk secret' })).statusCode).toBe(200);
  });

  it('GET /v1/api_key_scopes says which links and roles a restricted key may grant', async () => {
    const spec = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(spec.paths['/v1/api_key_scopes'].get.description).toMatch(/dashboard link/i);
  });
});

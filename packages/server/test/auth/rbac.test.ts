import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as apiKeys from '../../src/api-keys/service.ts';
import { allScopes, expandScopes, isOwnerScope, type Scope, scopesForRole } from '../../src/scope/scopes.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  everyScope,
  restrictedKey,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { fillPayments, type PaymentFixtures, paymentFixtures } from '../helpers/payments.ts';
import { platformRoutes, type RouteCase, tenantRoutes } from '../helpers/routes.ts';
import { deliver, fakeEvent } from '../helpers/webhooks.ts';

/** Owners and admins manage; members read; restricted keys get exactly their scopes. Per route. */
describe('RBAC per tenant route', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let member: TestSession;
  let admin: TestSession;
  let target: TestSession;
  let fixtures: PaymentFixtures;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'RBAC');
    await sessionFor(t, tenant, 'rbac-owner@example.com', 'owner');
    admin = await sessionFor(t, tenant, 'rbac-admin@example.com', 'admin');
    member = await sessionFor(t, tenant, 'rbac-member@example.com', 'member');
    target = await sessionFor(t, tenant, 'rbac-target@example.com', 'member');
    fixtures = await paymentFixtures(t, tenant);
  });
  afterAll(() => t.close());

  async function call(route: RouteCase, headers: Record<string, string>) {
    let keyId = 'key_00000000000000000000000000000000';
    if (route.path.includes(':key_id')) {
      const created = await t.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}/api_keys`,
        headers: bearer(tenant.key),
        payload: { name: 'victim' },
      });
      keyId = created.json().id;
    }
    const url = fillPayments(
      route.path.replace(':id', tenant.publicId).replace(':user_id', target.userId).replace(':key_id', keyId),
      fixtures,
    );
    // a well-behaved client: money-moving POSTs carry an Idempotency-Key (else a 400 comes first)
    const key = route.idempotency ? { 'idempotency-key': `rbac-${Math.random().toString(36).slice(2)}` } : {};
    return t.app.inject({ method: route.method, url, headers: { ...headers, ...key }, payload: route.body });
  }

  for (const route of tenantRoutes.filter((r) => r.platformOnly)) {
    it(`${route.method} ${route.path}: the platform only, never a tenant's own credentials`, async () => {
      for (const headers of [
        asSession(member),
        asSession(admin),
        bearer(tenant.key),
        bearer(await restrictedKey(t, tenant, everyScope)),
      ]) {
        const refused = await call(route, headers);
        expect(refused.statusCode, refused.body).toBe(403);
      }
      const platform = await call(route, bearer(t.platformKey));
      expect(platform.statusCode, platform.body).toBeLessThan(300);
    });
  }

  /** The scope just below `scope`: a write's read, an owner scope's write (the key that must be refused). */
  const below = (scope: string) =>
    isOwnerScope(scope) ? scope.replace(/:\w+$/, ':write') : scope.replace(':write', ':read');

  for (const route of tenantRoutes.filter((r) => !r.platformOnly)) {
    const write = !route.access.toString().endsWith(':read');
    const owners = isOwnerScope(String(route.access)) || route.whenConnected?.some(isOwnerScope);
    it(`${route.method} ${route.path}: member ${write ? 'forbidden' : 'allowed'}${owners ? ', admin forbidden' : ''}, restricted keys by scope`, async () => {
      const asMember = await call(route, asSession(member));
      if (write) {
        expect(asMember.statusCode, asMember.body).toBe(403);
        expect(asMember.json().error.code).toBe('forbidden');
      } else {
        expect(asMember.statusCode, asMember.body).toBe(200);
      }
      if (owners) {
        // where the money goes (the Stripe account, its payout details): owners only
        const asAdmin = await call(route, asSession(admin));
        expect(asAdmin.statusCode, asAdmin.body).toBe(403);
      }
      const without = await restrictedKey(t, tenant, [write ? below(String(route.access)) : 'support:read']);
      const denied = await call(route, bearer(without));
      expect(denied.statusCode, denied.body).toBe(403);
      for (const lacking of [route.holds, route.whenConnected]) {
        if (!lacking) continue;
        // the route grants more than its own scope: a key holding all but these gets nothing
        const others = [
          String(route.access),
          ...[...(route.holds ?? []), ...(route.whenConnected ?? [])].filter((s) => !lacking.includes(s)),
        ];
        const alone = await call(route, bearer(await restrictedKey(t, tenant, others)));
        expect(alone.statusCode, alone.body).toBe(403);
      }
      const withScope = await restrictedKey(t, tenant, [
        String(route.access),
        ...(route.holds ?? []),
        ...(route.whenConnected ?? []),
      ]);
      const allowed = await call(route, bearer(withScope));
      expect(allowed.statusCode, allowed.body).not.toBe(403);
      expect(allowed.statusCode).toBeLessThan(500);
    });
  }

  it('admins manage but cannot touch owners', async () => {
    const create = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/api_keys`,
      headers: asSession(admin),
      payload: { name: 'by admin', type: 'restricted', scopes: [...scopesForRole('admin')] },
    });
    expect(create.statusCode, create.body).toBe(200);
    // nor hand out an owner's power (connect:manage: where the money goes)
    const owners = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/api_keys`,
      headers: asSession(admin),
      payload: { name: 'by admin', type: 'restricted', scopes: everyScope },
    });
    expect(owners.statusCode, owners.body).toBe(403);
    // a secret key acts as an owner
    const secret = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/api_keys`,
      headers: asSession(admin),
      payload: { name: 'by admin' },
    });
    expect(secret.statusCode).toBe(403);
    const other = await sessionFor(t, tenant, 'rbac-other@example.com', 'member');
    const promote = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/members/${other.userId}`,
      headers: asSession(admin),
      payload: { role: 'owner' },
    });
    expect(promote.statusCode).toBe(403);
    const inviteOwner = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/dashboard_links`,
      headers: asSession(admin),
      payload: { email: 'x@example.com', role: 'owner' },
    });
    expect(inviteOwner.statusCode).toBe(403);
  });

  it('the last owner can be neither demoted nor removed', async () => {
    const solo = await createTestTenant(t, 'Solo');
    const owner = await sessionFor(t, solo, 'solo-owner@example.com', 'owner');
    const demote = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${solo.publicId}/members/${owner.userId}`,
      headers: asSession(owner),
      payload: { role: 'admin' },
    });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('last_owner');
    const remove = await t.app.inject({
      method: 'DELETE',
      url: `/v1/tenants/${solo.publicId}/members/${owner.userId}`,
      headers: asSession(owner),
    });
    expect(remove.json().error.code).toBe('last_owner');
  });

  it('a restricted key cannot mint a key with more power than itself', async () => {
    const keysOnly = await restrictedKey(t, tenant, ['api_keys:write']);
    const secret = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/api_keys`,
      headers: bearer(keysOnly),
      payload: { name: 'escalate', type: 'secret' },
    });
    expect(secret.statusCode).toBe(403);
    const wider = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/api_keys`,
      headers: bearer(keysOnly),
      payload: { name: 'wider', type: 'restricted', scopes: ['payments:write'] },
    });
    expect(wider.statusCode).toBe(403);
    const same = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/api_keys`,
      headers: bearer(keysOnly),
      payload: { name: 'same', type: 'restricted', scopes: ['api_keys:read'] },
    });
    expect(same.statusCode).toBe(200);
  });
});

describe('platform restricted keys on the platform-wide routes', () => {
  let t: TestApp;
  const key = async (scopes: string[]) =>
    (
      await apiKeys.createPlatformKey(t.systemCtx, {
        name: 'platform restricted',
        type: 'restricted',
        scopes,
      })
    ).secret;
  const call = (k: string, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer(k), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('need events and webhook_endpoints scopes: read to look, write to change or see a secret', async () => {
    const none = await key(['payments:read']);
    for (const url of ['/v1/events', '/v1/events/stats', '/v1/webhook_endpoints']) {
      const res = await call(none, 'GET', url);
      expect(res.statusCode, url).toBe(403);
      expect(res.json().error.code).toBe('forbidden');
    }
    const readEvents = await key(['events:read']);
    expect((await call(readEvents, 'GET', '/v1/events')).statusCode).toBe(200);
    expect((await call(readEvents, 'GET', '/v1/events/stats')).statusCode).toBe(200);
    const replay = await call(readEvents, 'POST', '/v1/events/evt_missing/replay');
    expect(replay.statusCode).toBe(403);

    const readHooks = await key(['webhook_endpoints:read']);
    expect((await call(readHooks, 'GET', '/v1/webhook_endpoints')).statusCode).toBe(200);
    const create = await call(readHooks, 'POST', '/v1/webhook_endpoints', {
      url: 'https://app.example.com/h',
    });
    expect(create.statusCode).toBe(403);
    const writeHooks = await key(['webhook_endpoints:write']);
    const made = await call(writeHooks, 'POST', '/v1/webhook_endpoints', {
      url: 'https://app.example.com/h',
    });
    expect(made.statusCode, made.body).toBe(200);
    const rotate = await call(readHooks, 'POST', `/v1/webhook_endpoints/${made.json().id}/rotate_secret`);
    expect(rotate.statusCode).toBe(403);
    expect(rotate.body).not.toContain('whsec_');
  });
});

/** Every scope except `scope` and those that imply it (a write its read, connect:manage connect's write). */
function allBut(scope: Scope): Scope[] {
  return allScopes.filter((s) => !expandScopes([s]).has(scope));
}

describe('platform restricted keys hold exactly their scopes on every platform route', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let eventId: string;
  const platformKey = async (scopes: string[]) =>
    (
      await apiKeys.createPlatformKey(t.systemCtx, {
        name: 'platform restricted',
        type: 'restricted',
        scopes,
      })
    ).secret;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Platform RBAC');
    const event = fakeEvent();
    eventId = String(event.id);
    expect((await deliver(t, event)).statusCode).toBe(200);
  });
  afterAll(() => t?.close());

  /** Fresh objects per call: a DELETE or rotation by one call must not change what the next one finds. */
  async function call(route: RouteCase, key: string) {
    let url = fillPayments(route.path.replace(':id', tenant.publicId).replace(':event_id', eventId), {});
    if (url.includes(':key_id')) {
      const victim = await apiKeys.createPlatformKey(t.systemCtx, { name: 'victim', type: 'secret' });
      url = url.replace(':key_id', `key_${victim.row.id.replaceAll('-', '')}`);
    }
    if (route.path.includes(':support_user_id')) {
      const invited = await t.app.inject({
        method: 'POST',
        url: '/v1/support_users',
        headers: bearer(t.platformKey),
        payload: { email: `rbac-support-${Math.random().toString(36).slice(2)}@example.com` },
      });
      url = route.path.replace(':support_user_id', invited.json().id);
    }
    if (url.includes(':endpoint_id')) {
      const made = await t.app.inject({
        method: 'POST',
        url: '/v1/webhook_endpoints',
        headers: bearer(t.platformKey),
        payload: { url: 'https://app.example.com/rbac' },
      });
      url = url.replace(':endpoint_id', made.json().id);
    }
    return t.app.inject({ method: route.method, url, headers: bearer(key), payload: route.body });
  }

  const scoped = [...platformRoutes, ...tenantRoutes.filter((r) => r.platformOnly)].filter(
    (r): r is RouteCase & { access: Scope } => r.access.includes(':'),
  );
  it('the table gives every platform-only route a scope', () => {
    expect(platformRoutes.filter((r) => !r.access.includes(':')).map((r) => r.path)).toEqual([
      '/v1/api_key_scopes',
    ]);
  });

  for (const route of scoped) {
    it(`${route.method} ${route.path}: needs '${route.access}'${route.secretOnly ? ', and a secret key' : ''}`, async () => {
      const refused = await call(route, await platformKey(allBut(route.access)));
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().error.code).toBe('forbidden');
      const own = await call(route, await platformKey([route.access]));
      if (route.secretOnly) {
        expect(own.statusCode, own.body).toBe(403);
        const secret = await call(route, t.platformKey);
        expect(secret.statusCode, secret.body).toBeLessThan(300);
      } else {
        expect(own.statusCode, own.body).not.toBe(403);
        expect(own.statusCode, own.body).toBeLessThan(500);
      }
    });
  }

  it('GET /v1/tenants: a tenant restricted key needs tenants:read, and sees only its own tenant', async () => {
    await createTestTenant(t, 'Someone else');
    const without = await restrictedKey(t, tenant, allBut('tenants:read'));
    const refused = await t.app.inject({ method: 'GET', url: '/v1/tenants', headers: bearer(without) });
    expect(refused.statusCode, refused.body).toBe(403);
    const withScope = await restrictedKey(t, tenant, ['tenants:read']);
    const listed = await t.app.inject({ method: 'GET', url: '/v1/tenants', headers: bearer(withScope) });
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().data.map((r: { id: string }) => r.id)).toEqual([tenant.publicId]);
  });
});

import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireChargesEnabled } from '../../src/connect/service.ts';
import { withTenant } from '../../src/db/tenant.ts';
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
import { connectTenant, sandboxAdmin } from '../helpers/payments.ts';
import { ownerSql, systemRows } from '../helpers/webhooks.ts';

/** Connect against the sandbox over real HTTP: the app calls the sandbox with the SDK, the test plays the browser. */
describe('Connect onboarding and account lifecycle', () => {
  let t: TestApp;
  let stripe: Stripe;

  beforeAll(async () => {
    t = await startTestApp();
    stripe = new Stripe('sk_test_x', { host: '127.0.0.1', port: t.sandbox!.port, protocol: 'http' });
  });
  afterAll(() => t.close());

  const api = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
    t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  /** A redirect to this app's public URL, followed in-process. */
  const follow = (location: string, headers: Record<string, string> = {}) => {
    const u = new URL(location);
    return t.app.inject({ method: 'GET', url: `${u.pathname}${u.search}`, headers });
  };

  /** The browser on the sandbox's hosted onboarding form: submit, or save and finish later. */
  async function fillOnboarding(linkUrl: string, action: 'submit' | 'later'): Promise<string> {
    const page = await fetch(linkUrl, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    const formAction = /<form method="post" action="([^"]+)"/.exec(html)![1]!;
    const session = /name="session" value="([^"]+)"/.exec(html)![1]!;
    const body = new URLSearchParams({ session, action, tos: 'accepted' });
    for (const m of html.matchAll(/<input id="(\w+)" name="\w+" type="\w+" value="([^"]*)"/g)) {
      body.set(m[1]!, m[2]!.replaceAll('&#45;', '-'));
    }
    const res = await fetch(new URL(formAction, linkUrl), { method: 'POST', body, redirect: 'manual' });
    expect(res.status).toBeGreaterThanOrEqual(300);
    return res.headers.get('location')!;
  }

  describe('Express-like accounts', () => {
    let tenant: TestTenant;
    beforeAll(async () => {
      tenant = await createTestTenant(t, 'Connect Express');
    });

    it('creates the account with controller properties (never type), once', async () => {
      const base = `/v1/tenants/${tenant.publicId}/connect`;
      const before = await api('GET', `${base}/status`, bearer(tenant.key));
      expect(before.json()).toMatchObject({
        status: 'not_connected',
        account_id: null,
        platform_kind: 'express',
      });

      const created = await api('POST', `${base}/account`, bearer(tenant.key), {});
      expect(created.statusCode, created.body).toBe(200);
      const status = created.json();
      expect(status).toMatchObject({ status: 'onboarding', kind: 'express', source: 'created' });
      expect(status.requirements.currently_due.map((r: { description: string }) => r.description)).toContain(
        'Bank account for payouts',
      );
      const acct = await stripe.accounts.retrieve(status.account_id);
      expect(acct.controller).toMatchObject({
        stripe_dashboard: { type: 'express' },
        fees: { payer: 'application' },
        losses: { payments: 'application' },
      });
      expect(acct.country).toBe('US');
      expect(acct.metadata).toMatchObject({ tributary_tenant: tenant.publicId });

      const again = await api('POST', `${base}/account`, bearer(tenant.key), {});
      expect(again.json().account_id).toBe(status.account_id);
      const [row] = await systemRows<{ stripe_account_id: string }>(
        t.database,
        `select stripe_account_id from tenants where id = '${tenant.id}'`,
      );
      expect(row!.stripe_account_id).toBe(status.account_id);
      const audit = await api(
        'GET',
        `/v1/tenants/${tenant.publicId}/audit_log?limit=100`,
        bearer(tenant.key),
      );
      expect(
        audit.json().data.filter((e: { action: string }) => e.action === 'connect.account_created'),
      ).toHaveLength(1);
    });

    it('unfinished onboarding is restricted with requirements in plain words; resuming enables it', async () => {
      const base = `/v1/tenants/${tenant.publicId}/connect`;
      const link = await api('POST', `${base}/onboarding_link`, bearer(tenant.key), {});
      expect(link.statusCode, link.body).toBe(200);
      const back = await fillOnboarding(link.json().url, 'later');
      expect(back).toContain('/connect/onboarding/return?t=');
      const landed = await follow(back);
      expect(landed.statusCode).toBe(303);
      // no CONNECT_RETURN_URL: the dashboard's page
      expect(landed.headers.location).toContain(
        `/tenants/${tenant.publicId}/payments-setup?onboarding=returned`,
      );
      const restricted = (await api('GET', `${base}/status`, bearer(tenant.key))).json();
      expect(restricted.status).toBe('restricted');
      expect(restricted.charges_enabled).toBe(false);
      expect(restricted.requirements.currently_due.length).toBeGreaterThan(0);
      expect(restricted.last_synced_at).toBeGreaterThan(0);
      await withTenant(t.database.db, tenant.id, async (tx) => {
        await expect(requireChargesEnabled(tx, tenant.id)).rejects.toMatchObject({
          code: 'account_charges_disabled',
        });
      });

      const resume = await api('POST', `${base}/onboarding_link`, bearer(tenant.key), {});
      const done = await follow(await fillOnboarding(resume.json().url, 'submit'));
      expect(done.headers.location).toContain('status=enabled');
      const enabled = (await api('GET', `${base}/status`, bearer(tenant.key))).json();
      expect(enabled).toMatchObject({ status: 'enabled', charges_enabled: true, payouts_enabled: true });
      expect(enabled.requirements.currently_due).toEqual([]);
      await withTenant(t.database.db, tenant.id, async (tx) => {
        expect((await requireChargesEnabled(tx, tenant.id)).stripeAccountId).toBe(enabled.account_id);
      });
    });

    it('an expired or used link regenerates on refresh_url; an unknown token lands on an error', async () => {
      const base = `/v1/tenants/${tenant.publicId}/connect`;
      const link = (await api('POST', `${base}/onboarding_link`, bearer(tenant.key), {})).json();
      expect((await fetch(link.url)).status).toBe(200);
      const reused = await fetch(link.url, { redirect: 'manual' });
      const refreshUrl = reused.headers.get('location')!;
      expect(refreshUrl).toContain('/connect/onboarding/refresh?t=');
      const regenerated = await follow(refreshUrl);
      expect(regenerated.statusCode).toBe(303);
      expect(regenerated.headers.location).not.toBe(link.url);
      expect((await fetch(regenerated.headers.location as string)).status).toBe(200);
      const bogus = await t.app.inject({ method: 'GET', url: '/connect/onboarding/refresh?t=nope' });
      expect(bogus.headers.location).toContain('connect_error=link_expired');
    });

    it('login link opens the Express dashboard', async () => {
      const res = await api('POST', `/v1/tenants/${tenant.publicId}/connect/login_link`, bearer(tenant.key));
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ object: 'connect_login_link', kind: 'express' });
      expect((await fetch(res.json().url)).status).toBe(200);
    });

    it('the operator lists every tenant with status and filters', async () => {
      const all = await api('GET', '/v1/connect/accounts?limit=100', bearer(t.platformKey));
      expect(all.statusCode, all.body).toBe(200);
      const mine = all.json().data.find((r: { tenant: { id: string } }) => r.tenant.id === tenant.publicId);
      expect(mine).toMatchObject({ status: 'enabled', kind: 'express', charges_enabled: true });
      const enabledOnly = await api(
        'GET',
        '/v1/connect/accounts?status=not_connected&limit=100',
        bearer(t.platformKey),
      );
      expect(enabledOnly.json().data.every((r: { status: string }) => r.status === 'not_connected')).toBe(
        true,
      );
      const denied = await api('GET', '/v1/connect/accounts', bearer(tenant.key));
      expect(denied.statusCode).toBe(403);
    });

    it('a member cannot connect, an admin cannot disconnect, an owner can; history stays', async () => {
      const member = await sessionFor(t, tenant, 'connect-member@example.com', 'member');
      const admin = await sessionFor(t, tenant, 'connect-admin@example.com', 'admin');
      const owner = await sessionFor(t, tenant, 'connect-owner@example.com', 'owner');
      const base = `/v1/tenants/${tenant.publicId}/connect`;
      for (const path of ['account', 'onboarding_link', 'disconnect', 'login_link']) {
        const res = await api(
          'POST',
          `${base}/${path}`,
          asSession(member),
          path === 'disconnect' || path === 'login_link' ? undefined : {},
        );
        expect(res.statusCode, path).toBe(403);
      }
      expect((await api('GET', `${base}/oauth/authorize_url`, asSession(member))).statusCode).toBe(403);
      expect((await api('GET', `${base}/status`, asSession(member))).statusCode).toBe(200);
      const byAdmin = await api('POST', `${base}/disconnect`, asSession(admin));
      expect(byAdmin.statusCode).toBe(403);
      const byOwner = await api('POST', `${base}/disconnect`, asSession(owner));
      expect(byOwner.statusCode, byOwner.body).toBe(200);
      expect(byOwner.json()).toMatchObject({ status: 'not_connected', charges_enabled: false });
      expect(byOwner.json().account_id).toMatch(/^acct_/);
      await withTenant(t.database.db, tenant.id, async (tx) => {
        await expect(requireChargesEnabled(tx, tenant.id)).rejects.toMatchObject({
          code: 'account_not_connected',
        });
      });
      const again = await api('POST', `${base}/refresh`, bearer(tenant.key));
      expect(again.json().error.code).toBe('account_not_connected');
    });
  });

  it('Standard-like accounts: full dashboard, the account pays its fees', async () => {
    const std = await startTestApp({ env: { CONNECT_ACCOUNT_KIND: 'standard' } });
    try {
      const tenant = await createTestTenant(std, 'Connect Standard');
      const res = await std.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}/connect/account`,
        headers: bearer(tenant.key),
        payload: { email: 'std@example.com' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ kind: 'standard', platform_kind: 'standard' });
      const client = new Stripe('sk_test_x', {
        host: '127.0.0.1',
        port: std.sandbox!.port,
        protocol: 'http',
      });
      const acct = await client.accounts.retrieve(res.json().account_id);
      expect(acct.controller).toMatchObject({
        stripe_dashboard: { type: 'full' },
        fees: { payer: 'account' },
      });
      const login = await std.app.inject({
        method: 'POST',
        url: `/v1/tenants/${tenant.publicId}/connect/login_link`,
        headers: bearer(tenant.key),
      });
      // in sandbox mode the account's own page on the sandbox, which a browser can open
      const url = `${std.sandbox!.url}/dashboard/${res.json().account_id}`;
      expect(login.json()).toMatchObject({ kind: 'standard', url });
      const dashboard = await fetch(url);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain(res.json().account_id);
    } finally {
      await std.close();
    }
  });

  describe('OAuth for existing accounts', () => {
    let tenant: TestTenant;
    let owner: TestSession;
    let other: TestSession;
    beforeAll(async () => {
      tenant = await createTestTenant(t, 'Connect OAuth');
      owner = await sessionFor(t, tenant, 'oauth-owner@example.com', 'owner');
      other = await sessionFor(t, tenant, 'oauth-admin@example.com', 'admin');
    });

    /** The authorize URL, and the sandbox consent page's decision → the callback URL Stripe redirects to. */
    async function consent(
      decision: 'approve' | 'deny',
      who = owner,
    ): Promise<{ callback: string; state: string }> {
      const res = await api(
        'GET',
        `/v1/tenants/${tenant.publicId}/connect/oauth/authorize_url`,
        asSession(who),
      );
      expect(res.statusCode, res.body).toBe(200);
      const url = new URL(res.json().url);
      const state = url.searchParams.get('state')!;
      expect(Buffer.from(state, 'base64url').length).toBeGreaterThanOrEqual(16);
      expect(url.origin).toBe(t.sandbox!.url);
      expect(url.searchParams.get('client_id')).toBe(t.sandbox!.connectClientId);
      expect((await fetch(url)).status).toBe(200);
      const form = new URLSearchParams({
        client_id: url.searchParams.get('client_id')!,
        scope: 'read_write',
        state,
        redirect_uri: url.searchParams.get('redirect_uri')!,
        email: 'existing@example.com',
        decision,
      });
      const decided = await fetch(new URL('/oauth/authorize', url), {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      return { callback: decided.headers.get('location')!, state };
    }

    it('deny: a clear message, nothing linked', async () => {
      const { callback } = await consent('deny');
      const res = await follow(callback, { cookie: owner.cookie });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toContain('connect_error=access_denied');
      const status = (
        await api('GET', `/v1/tenants/${tenant.publicId}/connect/status`, bearer(tenant.key))
      ).json();
      expect(status.status).toBe('not_connected');
    });

    it('state missing, tampered, bound to another user, reused or expired is refused — never a 500', async () => {
      const missing = await t.app.inject({ method: 'GET', url: '/connect/oauth/callback?code=ac_x' });
      expect(missing.statusCode).toBe(400);
      expect(missing.body).toContain('data-code="state_missing"');
      const tampered = await t.app.inject({
        method: 'GET',
        url: '/connect/oauth/callback?code=ac_x&state=forged',
      });
      expect(tampered.statusCode).toBe(400);
      expect(tampered.body).toContain('data-code="state_invalid"');

      const { callback } = await consent('approve');
      const u = new URL(callback);
      u.searchParams.set('state', `${u.searchParams.get('state')}x`);
      expect((await follow(u.toString(), { cookie: owner.cookie })).body).toContain('state_invalid');
      const wrongUser = await follow(callback, { cookie: other.cookie });
      expect(wrongUser.body).toContain('data-code="state_user_mismatch"');
      const noSession = await follow(callback);
      expect(noSession.body).toContain('data-code="state_user_mismatch"');
      // the same person signed in through another tenant's link: that session cannot reach this tenant
      const elsewhere = await sessionFor(
        t,
        await createTestTenant(t, 'Elsewhere'),
        'oauth-owner@example.com',
        'owner',
      );
      const sameUserElsewhere = await follow(callback, { cookie: elsewhere.cookie });
      expect(sameUserElsewhere.body).toContain('data-code="state_user_mismatch"');

      const expired = await consent('approve');
      await ownerSql(
        t.database,
        `update connect_oauth_states set expires_at = now() - interval '1 minute' where tenant_id = '${tenant.id}' and used_at is null`,
      );
      const late = await follow(expired.callback, { cookie: owner.cookie });
      expect(late.headers.location).toContain('connect_error=state_expired');

      const status = (
        await api('GET', `/v1/tenants/${tenant.publicId}/connect/status`, bearer(tenant.key))
      ).json();
      expect(status.status).toBe('not_connected');
    });

    it('a bad code is invalid_grant', async () => {
      const { callback } = await consent('approve');
      const u = new URL(callback);
      u.searchParams.set('code', 'ac_doesnotexist');
      const res = await follow(u.toString(), { cookie: owner.cookie });
      expect(res.headers.location).toContain('connect_error=invalid_grant');
    });

    it('approve links the account to this tenant only; reuse is refused; disconnect deauthorizes', async () => {
      const { callback } = await consent('approve');
      const res = await follow(callback, { cookie: owner.cookie });
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toContain(`/tenants/${tenant.publicId}/payments-setup?connect=linked`);
      const status = (
        await api('GET', `/v1/tenants/${tenant.publicId}/connect/status`, bearer(tenant.key))
      ).json();
      expect(status).toMatchObject({ status: 'enabled', kind: 'standard', source: 'oauth' });

      const reused = await follow(callback, { cookie: owner.cookie });
      expect(reused.headers.location).toContain('connect_error=state_reused');

      // another tenant sees nothing of it
      const b = await createTestTenant(t, 'Connect OAuth B');
      const bStatus = await api('GET', `/v1/tenants/${b.publicId}/connect/status`, bearer(b.key));
      expect(bStatus.json().status).toBe('not_connected');
      expect(
        (await api('GET', `/v1/tenants/${tenant.publicId}/connect/status`, bearer(b.key))).statusCode,
      ).toBe(404);

      const off = await api('POST', `/v1/tenants/${tenant.publicId}/connect/disconnect`, asSession(owner));
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json().status).toBe('not_connected');
      // the platform no longer has access on Stripe's side
      await expect(
        stripe.oauth.deauthorize({
          client_id: t.sandbox!.connectClientId,
          stripe_user_id: status.account_id,
        }),
      ).rejects.toBeTruthy();
    });

    it('disconnecting an account Stripe already let go of (invalid_client) still disconnects it here', async () => {
      const { callback } = await consent('approve');
      expect((await follow(callback, { cookie: owner.cookie })).statusCode).toBe(303);
      const status = (
        await api('GET', `/v1/tenants/${tenant.publicId}/connect/status`, bearer(tenant.key))
      ).json();
      expect(status).toMatchObject({ status: 'enabled', source: 'oauth' });
      // deauthorized on Stripe's side, its event not applied yet
      await stripe.oauth.deauthorize({
        client_id: t.sandbox!.connectClientId,
        stripe_user_id: status.account_id,
      });
      const off = await api('POST', `/v1/tenants/${tenant.publicId}/connect/disconnect`, asSession(owner));
      expect(off.statusCode, off.body).toBe(200);
      expect(off.json().status).toBe('not_connected');
    });
  });

  /**
   * Where the tenant's money goes — disconnecting its Stripe account, linking another in
   * its place, editing a set-up account's payout details — is an owner's power (connect:manage), checked the
   * same way for sessions and keys, and no admin hands it out.
   */
  describe('who decides where the money goes', () => {
    const statusOf = async (tenant: TestTenant) =>
      (await api('GET', `/v1/tenants/${tenant.publicId}/connect/status`, bearer(tenant.key))).json();
    const mintKey = (tenant: TestTenant, headers: Record<string, string>, scopes: string[]) =>
      api('POST', `/v1/tenants/${tenant.publicId}/api_keys`, headers, {
        name: 'connect',
        type: 'restricted',
        scopes,
      });

    /** Asks for the authorize URL as `headers`; approves it on the sandbox; the callback Stripe redirects to. */
    async function approvedCallback(tenant: TestTenant, headers: Record<string, string>): Promise<string> {
      const res = await api('GET', `/v1/tenants/${tenant.publicId}/connect/oauth/authorize_url`, headers);
      expect(res.statusCode, res.body).toBe(200);
      const url = new URL(res.json().url);
      const form = new URLSearchParams({
        client_id: url.searchParams.get('client_id')!,
        scope: 'read_write',
        state: url.searchParams.get('state')!,
        redirect_uri: url.searchParams.get('redirect_uri')!,
        email: `replacement-${tenant.publicId}@example.com`,
        decision: 'approve',
      });
      const decided = await fetch(new URL('/oauth/authorize', url), {
        method: 'POST',
        body: form,
        redirect: 'manual',
      });
      return decided.headers.get('location')!;
    }

    it('disconnecting: owners and the keys they give connect:manage, never an admin or a key an admin makes', async () => {
      const tenant = await createTestTenant(t, 'Connect manage');
      const acct = await connectTenant(t, tenant);
      const admin = asSession(await sessionFor(t, tenant, 'manage-admin@example.com', 'admin'));
      const owner = asSession(await sessionFor(t, tenant, 'manage-owner@example.com', 'owner'));
      const disconnect = (headers: Record<string, string>) =>
        api('POST', `/v1/tenants/${tenant.publicId}/connect/disconnect`, headers);

      expect((await disconnect(admin)).statusCode).toBe(403);
      // the reported path: a key the admin mints with connect:write
      const byAdmin = await mintKey(tenant, admin, ['connect:write']);
      expect(byAdmin.statusCode, byAdmin.body).toBe(200);
      const viaKey = await disconnect(bearer(byAdmin.json().secret));
      expect(viaKey.statusCode, viaKey.body).toBe(403);
      expect(viaKey.json().error.message).toContain('connect:manage');
      // nor can the admin hand out the owner's power itself
      const manageByAdmin = await mintKey(tenant, admin, ['connect:manage']);
      expect(manageByAdmin.statusCode, manageByAdmin.body).toBe(403);
      // a key holding it cannot pass it on either
      const byOwner = await mintKey(tenant, owner, ['connect:manage', 'api_keys:write']);
      expect(byOwner.statusCode, byOwner.body).toBe(200);
      const passedOn = await mintKey(tenant, bearer(byOwner.json().secret), ['connect:manage']);
      expect(passedOn.statusCode, passedOn.body).toBe(403);
      expect(await statusOf(tenant)).toMatchObject({ status: 'enabled', account_id: acct });

      // sessions and keys are checked the same way: the owner's connect:manage key may
      const done = await disconnect(bearer(byOwner.json().secret));
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toMatchObject({ status: 'not_connected', account_id: acct });
    });

    it('an admin cannot link another account in place of the connected one (OAuth), by session or key', async () => {
      const tenant = await createTestTenant(t, 'Connect replace');
      const acct = await connectTenant(t, tenant);
      const admin = asSession(await sessionFor(t, tenant, 'replace-admin@example.com', 'admin'));
      const writeKey = (await mintKey(tenant, admin, ['connect:write'])).json().secret;
      for (const headers of [admin, bearer(writeKey)]) {
        const res = await api('GET', `/v1/tenants/${tenant.publicId}/connect/oauth/authorize_url`, headers);
        expect(res.statusCode, res.body).toBe(403);
        expect(res.json().error.message).toContain('connect:manage');
      }
      expect(await statusOf(tenant)).toMatchObject({ status: 'enabled', account_id: acct });
    });

    it('a flow started before the account was connected cannot replace it unless its starter may', async () => {
      const tenant = await createTestTenant(t, 'Connect race');
      const adminSession = await sessionFor(t, tenant, 'race-admin@example.com', 'admin');
      const ownerSession = await sessionFor(t, tenant, 'race-owner@example.com', 'owner');
      const writeKey = (await mintKey(tenant, asSession(ownerSession), ['connect:write'])).json().secret;
      // no account yet: linking one is onboarding, which connect:write may start
      const byAdmin = await approvedCallback(tenant, asSession(adminSession));
      const byKey = await approvedCallback(tenant, bearer(writeKey));
      const byOwner = await approvedCallback(tenant, asSession(ownerSession));
      const acct = await connectTenant(t, tenant);

      const admin = await follow(byAdmin, { cookie: adminSession.cookie });
      expect(admin.statusCode, admin.body).toBe(303);
      expect(admin.headers.location).toContain('connect_error=replace_forbidden');
      const key = await follow(byKey);
      expect(key.headers.location).toContain('connect_error=replace_forbidden');
      expect(await statusOf(tenant)).toMatchObject({
        status: 'enabled',
        account_id: acct,
        source: 'created',
      });

      // an owner may (the same callback, started by the owner)
      const owner = await follow(byOwner, { cookie: ownerSession.cookie });
      expect(owner.headers.location).toContain('connect=linked');
      const replaced = await statusOf(tenant);
      expect(replaced).toMatchObject({ source: 'oauth' });
      expect(replaced.account_id).not.toBe(acct);
    });

    it("onboarding a set-up account edits its payouts: owners only; an earlier link's token opens nothing", async () => {
      const tenant = await createTestTenant(t, 'Connect payouts');
      const admin = asSession(await sessionFor(t, tenant, 'payouts-admin@example.com', 'admin'));
      const owner = asSession(await sessionFor(t, tenant, 'payouts-owner@example.com', 'owner'));
      const base = `/v1/tenants/${tenant.publicId}/connect`;
      // a new account: an admin sets it up
      expect((await api('POST', `${base}/account`, admin, {})).statusCode).toBe(200);
      const first = await api('POST', `${base}/onboarding_link`, admin, {});
      expect(first.statusCode, first.body).toBe(200);
      expect((await fetch(first.json().url)).status).toBe(200);
      const refreshUrl = (await fetch(first.json().url, { redirect: 'manual' })).headers.get('location')!;
      expect(refreshUrl).toContain('/connect/onboarding/refresh?t=');

      // the account submits its details (its owner, elsewhere)
      await sandboxAdmin(t, `accounts/${(await statusOf(tenant)).account_id}/onboarding`, {
        action: 'complete',
      });
      expect((await api('POST', `${base}/refresh`, bearer(tenant.key))).json().details_submitted).toBe(true);

      const again = await api('POST', `${base}/onboarding_link`, admin, {});
      expect(again.statusCode, again.body).toBe(403);
      expect(again.json().error.message).toContain('connect:manage');
      // the admin's earlier refresh URL no longer opens onboarding
      const reopened = await follow(refreshUrl);
      expect(reopened.statusCode).toBe(303);
      expect(reopened.headers.location).toContain('connect_error=link_expired');

      // the owner may; the return URL works once, then opens nothing
      const byOwner = await api('POST', `${base}/onboarding_link`, owner, {});
      expect(byOwner.statusCode, byOwner.body).toBe(200);
      const back = await fillOnboarding(byOwner.json().url, 'submit');
      expect((await follow(back)).headers.location).toContain('onboarding=returned');
      expect((await follow(back)).headers.location).toContain('connect_error=link_expired');
    });
  });
});

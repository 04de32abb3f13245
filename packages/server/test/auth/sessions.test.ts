import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareSetup } from '../../src/auth/service.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { createDatabase } from '../helpers/db.ts';

describe('operator setup and sign-in', () => {
  let t: TestApp;
  beforeAll(async () => {
    // a database of its own: setup happens once per installation
    t = await startTestApp({
      database: await createDatabase(),
      env: { PUBLIC_URL: 'http://tributary.test' },
    });
  });
  afterAll(async () => {
    await t.close();
    await t.database.close();
  });

  it('creates the operator once with the one-time setup URL, then signs in with email and password', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/v1/setup' })).json()).toEqual({ needs_setup: true });
    const url = await prepareSetup(t.database.db, t.config);
    expect(url).toMatch(/^http:\/\/tributary\.test\/setup\?token=/);
    const token = new URL(url!).searchParams.get('token')!;
    const body = {
      token,
      email: 'operator@example.com',
      password: 'a long operator password',
      name: 'Operator',
    };
    const weak = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/setup',
      payload: { ...body, password: 'short' },
    });
    expect(weak.json().error).toMatchObject({ code: 'parameter_invalid', param: 'password' });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/setup',
      payload: { ...body, token: 'nope' },
    });
    expect(wrong.json().error.code).toBe('setup_token_invalid');
    const ok = await t.app.inject({ method: 'POST', url: '/v1/auth/setup', payload: body });
    expect(ok.statusCode).toBe(200);
    const cookie = ok.cookies.find((c) => c.name === 'trb_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const reuse = await t.app.inject({ method: 'POST', url: '/v1/auth/setup', payload: body });
    expect(reuse.json().error.code).toBe('setup_already_done');
    expect(await prepareSetup(t.database.db, t.config)).toBeNull();

    const bad = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'operator@example.com', password: 'wrong password!' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('invalid_credentials');
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'nobody@example.com', password: 'wrong password!' },
    });
    expect(unknown.json().error).toEqual({
      ...bad.json().error,
      request_id: unknown.json().error.request_id,
    });
    const login = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'OPERATOR@example.com', password: body.password },
    });
    expect(login.statusCode).toBe(200);
    const session = await t.app.inject({
      method: 'GET',
      url: '/v1/auth/session',
      headers: { cookie: `trb_session=${login.cookies[0]!.value}` },
    });
    expect(session.json().user).toMatchObject({ email: 'operator@example.com', is_operator: true });
  });

  it('limits password guessing', async () => {
    let last = 0;
    for (let i = 0; i < 12; i++) {
      last = (
        await t.app.inject({
          method: 'POST',
          url: '/v1/auth/login',
          payload: { email: 'victim@example.com', password: `guess-${i}-xxxxx` },
        })
      ).statusCode;
    }
    expect(last).toBe(429);
  });
});

describe('dashboard sessions', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Sessions');
  });
  afterAll(() => t.close());

  it('a dashboard link signs in once, then is spent', async () => {
    const link = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/dashboard_links`,
      headers: bearer(t.platformKey),
      payload: { email: 'once@example.com', role: 'admin' },
    });
    expect(link.json()).toMatchObject({ object: 'dashboard_link', role: 'admin' });
    const path = new URL(link.json().url).pathname;
    const first = await t.app.inject({ method: 'GET', url: path });
    expect(first.statusCode).toBe(303);
    expect(first.headers.location).toBe(`/tenants/${tenant.publicId}`);
    const second = await t.app.inject({ method: 'GET', url: path });
    expect(second.headers.location).toBe('/sign-in?error=link_invalid');
    expect(second.cookies).toHaveLength(0);
  });

  it('state changes with a session need the CSRF token and a same-origin Origin', async () => {
    const s = await sessionFor(t, tenant, 'csrf@example.com', 'owner');
    const url = `/v1/tenants/${tenant.publicId}/api_keys`;
    const noToken = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: s.cookie },
      payload: { name: 'x' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('csrf_token_invalid');
    const wrongToken = await t.app.inject({
      method: 'POST',
      url,
      headers: { cookie: s.cookie, 'x-csrf-token': 'forged' },
      payload: { name: 'x' },
    });
    expect(wrongToken.json().error.code).toBe('csrf_token_invalid');
    const crossSite = await t.app.inject({
      method: 'POST',
      url,
      headers: { ...asSession(s), origin: 'https://evil.example' },
      payload: { name: 'x' },
    });
    expect(crossSite.json().error.code).toBe('csrf_token_invalid');
    const ok = await t.app.inject({ method: 'POST', url, headers: asSession(s), payload: { name: 'x' } });
    expect(ok.statusCode).toBe(200);
  });

  it('sign-out ends the session and a revoked key stops working', async () => {
    const s = await sessionFor(t, tenant, 'bye@example.com', 'member');
    await t.app.inject({ method: 'POST', url: '/v1/auth/logout', headers: asSession(s) });
    const after = await t.app.inject({
      method: 'GET',
      url: '/v1/auth/session',
      headers: { cookie: s.cookie },
    });
    expect(after.statusCode).toBe(401);

    const created = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/api_keys`,
      headers: bearer(tenant.key),
      payload: { name: 'short-lived' },
    });
    const secret = created.json().secret as string;
    expect(secret).toMatch(/^trb_sk_[0-9A-Za-z]{40}$/);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/tenants/${tenant.publicId}`, headers: bearer(secret) }))
        .statusCode,
    ).toBe(200);
    const listed = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/api_keys`,
      headers: bearer(tenant.key),
    });
    expect(JSON.stringify(listed.json())).not.toContain(secret);
    const used = listed.json().data.find((k: { id: string }) => k.id === created.json().id);
    expect(used.last_used_at).toBeTypeOf('number');
    await t.app.inject({
      method: 'DELETE',
      url: `/v1/tenants/${tenant.publicId}/api_keys/${created.json().id}`,
      headers: bearer(tenant.key),
    });
    const refused = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}`,
      headers: bearer(secret),
    });
    expect(refused.statusCode).toBe(401);
  });
});

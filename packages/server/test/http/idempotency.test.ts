import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { storedForReplay } from '../../src/http/idempotency.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';
import { connectTenant } from '../helpers/payments.ts';
import { registeredRoutes } from '../helpers/registered.ts';
import { systemRows } from '../helpers/webhooks.ts';

describe('Idempotency-Key', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const createKey = (tenant: TestTenant, key: string, name: string) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/api_keys`,
      headers: { ...bearer(tenant.key), 'idempotency-key': key },
      payload: { name },
    });
  const keyCount = async (tenant: TestTenant) =>
    (
      await t.app.inject({
        method: 'GET',
        url: `/v1/tenants/${tenant.publicId}/api_keys?limit=100`,
        headers: bearer(tenant.key),
      })
    ).json().data.length;

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTestTenant(t, 'Idem A');
    b = await createTestTenant(t, 'Idem B');
  });
  afterAll(() => t.close());

  it('replays the stored response for the same key and body, without running again', async () => {
    const before = await keyCount(a);
    const first = await createKey(a, 'idem-replay', 'once');
    const second = await createKey(a, 'idem-replay', 'once');
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // the same key, with its secret shown once (see 'credentials are shown once' below)
    expect(second.json()).toEqual({ ...first.json(), secret: null });
    expect(await keyCount(a)).toBe(before + 1);
  });

  it('refuses the same key with a different body, as Stripe does', async () => {
    await createKey(a, 'idem-mismatch', 'one');
    const res = await createKey(a, 'idem-mismatch', 'two');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ type: 'idempotency_error', code: 'idempotency_error' });
    expect(res.json().error.message).toContain("Try using a key other than 'idem-mismatch'");
  });

  it('the same key string from two tenants never collides', async () => {
    const fromA = await createKey(a, 'shared-key', 'same name');
    const fromB = await createKey(b, 'shared-key', 'same name');
    expect(fromA.statusCode).toBe(200);
    expect(fromB.statusCode).toBe(200);
    expect(fromB.headers['idempotent-replayed']).toBeUndefined();
    expect(fromB.json().id).not.toBe(fromA.json().id);
    expect(fromB.json().tenant).toBe(b.publicId);
  });

  it('replays error responses of executed requests, and forgets validation failures', async () => {
    const conflict = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/tenants',
        headers: { ...bearer(t.platformKey), 'idempotency-key': 'idem-conflict' },
        payload: { name: 'X', external_id: 'dup-ext' },
      });
    await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: bearer(t.platformKey),
      payload: { name: 'X', external_id: 'dup-ext' },
    });
    const first = await conflict();
    expect(first.statusCode).toBe(409);
    const again = await conflict();
    expect(again.statusCode).toBe(409);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { ...bearer(t.platformKey), 'idempotency-key': 'idem-invalid' },
      payload: { nam: 'typo' },
    });
    expect(invalid.statusCode).toBe(400);
    const fixed = await t.app.inject({
      method: 'POST',
      url: '/v1/tenants',
      headers: { ...bearer(t.platformKey), 'idempotency-key': 'idem-invalid' },
      payload: { name: 'fixed' },
    });
    expect(fixed.statusCode).toBe(200);
  });

  it('rejects keys longer than 255 characters', async () => {
    const res = await createKey(a, 'k'.repeat(256), 'x');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('idempotency_key_invalid');
  });

  // PGlite runs one transaction at a time, so true concurrency exists only on Postgres.
  it.skipIf(!onPostgres)('concurrent duplicates: exactly one executes', async () => {
    const before = await keyCount(a);
    const results = await Promise.all(
      Array.from({ length: 12 }, () => createKey(a, 'idem-concurrent', 'raced')),
    );
    const ok = results.filter((r) => r.statusCode === 200);
    const inUse = results.filter((r) => r.statusCode === 409);
    expect(ok.length + inUse.length).toBe(12);
    expect(inUse.every((r) => r.json().error.code === 'idempotency_key_in_use')).toBe(true);
    expect(new Set(ok.map((r) => r.json().id)).size).toBe(1);
    expect(await keyCount(a)).toBe(before + 1);
  });
});

/**
 * A response is kept IDEMPOTENCY_TTL_HOURS for replay, and the credentials some carry
 * (a new key's secret, a sign-in link, a client secret, a webhook signing secret) were kept with it in plain
 * text and shown again by a replay. They are shown once: stored as null, replayed as null with a header.
 */
describe('credentials in idempotent responses are shown once', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let customer: string;
  let endpoint: string;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Idem secrets');
    await connectTenant(t, tenant);
    const made = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}/customers`,
      headers: bearer(tenant.key),
      payload: { email: 'shown-once@example.com' },
    });
    customer = made.json().id;
    endpoint = (
      await t.app.inject({
        method: 'POST',
        url: '/v1/webhook_endpoints',
        headers: bearer(t.platformKey),
        payload: { url: 'https://app.example.com/shown-once' },
      })
    ).json().id;
  });
  afterAll(() => t?.close());

  interface Case {
    url: string;
    body?: object;
    /** the field that carries the credential */
    field: string;
    /** every field the route shows once (the header names them), when more than `field` */
    fields?: string[];
    /** who asks: the tenant's secret key unless said */
    headers?: () => Promise<Record<string, string>>;
  }
  /** The cases, for a tenant (its `/v1/tenants/…` base), one of its customers and a webhook endpoint. */
  const cases = (base: string, customer: string, endpoint: string): Record<string, Case> => {
    return {
      'a tenant API key (owner session)': {
        url: `${base}/api_keys`,
        body: { name: 'ci', type: 'secret' },
        field: 'secret',
        headers: async () =>
          asSession(await sessionFor(t, tenant, `shown-once-${randomUUID()}@example.com`, 'owner')),
      },
      'a platform API key': {
        url: '/v1/api_keys',
        body: { name: 'ci' },
        field: 'secret',
        headers: async () => bearer(t.platformKey),
      },
      'a dashboard link': {
        url: `${base}/dashboard_links`,
        body: { email: `shown-once-${randomUUID()}@example.com`, role: 'admin' },
        field: 'url',
      },
      'a webhook endpoint': {
        url: '/v1/webhook_endpoints',
        body: { url: 'https://app.example.com/hooks' },
        field: 'secret',
        headers: async () => bearer(t.platformKey),
      },
      "a webhook endpoint's rotated secret": {
        url: `/v1/webhook_endpoints/${endpoint}/rotate_secret`,
        field: 'secret',
        headers: async () => bearer(t.platformKey),
      },
      "a payment's client secret": {
        url: `${base}/payment_intents`,
        body: { amount: 1000, currency: 'usd', customer },
        field: 'client_secret',
        fields: ['client_secret', 'next_action'],
      },
      "a setup intent's client secret": {
        url: `${base}/customers/${customer}/setup_intents`,
        body: {
          payment_method: 'pm_card_authenticationRequiredOnSetup',
          return_url: 'https://app.example.com/back',
        },
        field: 'client_secret',
        // the 3-D Secure URL carries the client secret too
        fields: ['client_secret', 'next_action'],
      },
      'an onboarding link': { url: `${base}/connect/onboarding_link`, body: {}, field: 'url' },
      'an Express dashboard login link': { url: `${base}/connect/login_link`, field: 'url' },
      'a customer portal link': {
        url: `${base}/customers/${customer}/portal_session`,
        body: {},
        field: 'url',
      },
      'a setup page (Checkout)': {
        url: `${base}/customers/${customer}/setup_sessions`,
        body: { success_url: 'https://app.example.com/ok', cancel_url: 'https://app.example.com/no' },
        field: 'url',
      },
    };
  };

  for (const name of Object.keys(cases('', '', ''))) {
    it(`${name}: not stored, not replayed`, async () => {
      const c = cases(`/v1/tenants/${tenant.publicId}`, customer, endpoint)[name]!;
      const headers = {
        ...(await (c.headers?.() ?? Promise.resolve(bearer(tenant.key)))),
        'idempotency-key': randomUUID(),
      };
      const send = () =>
        t.app.inject({ method: 'POST', url: c.url, headers, ...(c.body ? { payload: c.body } : {}) });
      const first = await send();
      expect(first.statusCode, first.body).toBe(200);
      const secret: unknown = first.json()[c.field];
      expect(typeof secret === 'string' && secret.length > 10, `${c.field}: ${first.body}`).toBe(true);

      const [stored] = await systemRows<{ body: string }>(
        t.database,
        `select response_body::text as body from idempotency_keys where key = '${headers['idempotency-key']}'`,
      );
      expect(stored!.body).not.toContain(secret as string);
      const fields = c.fields ?? [c.field];
      for (const f of fields) expect(JSON.parse(stored!.body)[f]).toBeNull();

      const replay = await send();
      expect(replay.statusCode, replay.body).toBe(200);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers['idempotent-redacted']).toBe(fields.join(', '));
      expect(replay.body).not.toContain(secret as string);
      expect(replay.json()).toEqual({ ...first.json(), ...Object.fromEntries(fields.map((f) => [f, null])) });
    });
  }

  it('a credential of a known shape in any other field is masked too (the safety net)', () => {
    const stored = storedForReplay(
      {
        id: 'key_1',
        note: 'made trb_sk_0123456789abcdefghijABCDEFGHIJ0123456789',
        nested: [{ hook: 'whsec_c2VjcmV0c2VjcmV0', pi: 'pi_3Abc_secret_XyZ' }],
        link: 'https://dash.example.com/auth/link/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg',
        secret: 'shown once',
      },
      ['secret'],
    );
    expect(JSON.stringify(stored)).not.toMatch(/trb_sk_0123|c2VjcmV0c2Vj|_secret_XyZ|AbCdEfGhIj/);
    expect(stored).toMatchObject({ id: 'key_1', secret: null });
  });

  it('every route whose answer holds a secret declares it, and its schema lets a replay show null', async () => {
    const wrong: string[] = [];
    for (const [name, route] of await registeredRoutes()) {
      // only POST answers are kept for replay
      if (!name.startsWith('POST ')) continue;
      const ok = (route.schema?.response as Record<number, z.ZodType> | undefined)?.[200] as
        | (z.ZodType & { shape?: Record<string, z.ZodType> })
        | undefined;
      const declared = (route.config as { secretFields?: string[] } | undefined)?.secretFields ?? [];
      for (const [field, schema] of Object.entries(ok?.shape ?? {})) {
        const shownOnce = /shown in this answer only/i.test(schema.description ?? '');
        if ((shownOnce || /secret|token/.test(field)) && !declared.includes(field))
          wrong.push(`${name}: ${field} is not declared in config.secretFields`);
      }
      for (const field of declared) {
        if (!ok?.shape?.[field]?.safeParse(null).success)
          wrong.push(`${name}: ${field} is declared secret but its schema refuses null`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

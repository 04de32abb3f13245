import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { onPostgres } from '../helpers/db.ts';

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
    expect(second.json()).toEqual(first.json());
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

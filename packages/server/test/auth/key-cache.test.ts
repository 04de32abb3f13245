import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyCacheOf } from '../../src/auth/key-cache.ts';
import { sha256 } from '../../src/secrets.ts';
import { bearer, createTestTenant, restrictedKey, startTestApp, type TestApp } from '../helpers/app.ts';
import { ownerSql } from '../helpers/webhooks.ts';

/**
 * Resolved API keys are cached (auth/key-cache.ts); what a key may do still changes at once: a revocation
 * here refuses the very next request, a change made elsewhere (SQL, another server) as soon as its
 * announcement arrives. Each key is used first, so its answer is in the cache when it changes.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ sandbox: false });
});
afterAll(() => t.close());

const cache = () => keyCacheOf(t.database.db)!;
const get = (url: string, key: string) => t.app.inject({ method: 'GET', url, headers: bearer(key) });

/**
 * Uses the key until its answer is in the cache (the announcement of its creation may arrive during the
 * first lookup, which then does not store what it read).
 */
async function usedAndCached(url: string, key: string, status = 200): Promise<void> {
  await expect
    .poll(async () => {
      expect((await get(url, key)).statusCode).toBe(status);
      return cache().get(sha256(key)) !== undefined;
    })
    .toBe(true);
}

/** Resolves once the database announced a change of the key (a positive signal, never a sleep). */
function announced(key: string): { done: Promise<void>; stop(): void } {
  const hash = sha256(key);
  const c = cache();
  const previous = c.onAnnouncement;
  let resolve!: () => void;
  const done = new Promise<void>((r) => {
    resolve = r;
  });
  c.onAnnouncement = (h) => {
    previous?.(h);
    if (h === hash) resolve();
  };
  return { done, stop: () => (c.onAnnouncement = previous) };
}

describe('API key cache', () => {
  it('listens, and serves a used key from the cache', async () => {
    const tenant = await createTestTenant(t);
    expect(cache().live).toBe(true);
    await usedAndCached(`/v1/tenants/${tenant.publicId}`, tenant.key);
    expect(cache().get(sha256(tenant.key))?.actor).toMatchObject({ kind: 'api_key', tenantId: tenant.id });
  });

  it('refuses a tenant key revoked through the API on the very next request', async () => {
    const tenant = await createTestTenant(t);
    const url = `/v1/tenants/${tenant.publicId}/entitlements`;
    await usedAndCached(url, tenant.key);
    const list = await get(`/v1/tenants/${tenant.publicId}/api_keys`, tenant.key);
    const id = list.json().data[0].id;
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/tenants/${tenant.publicId}/api_keys/${id}`,
      headers: bearer(t.platformKey),
    });
    expect(revoked.statusCode).toBe(200);
    const next = await get(url, tenant.key);
    expect(next.statusCode).toBe(401);
    expect(next.json().error.code).toBe('api_key_invalid');
  });

  it('rotation: the new platform key works at once, the old one is refused on the very next request', async () => {
    const made = await t.app.inject({
      method: 'POST',
      url: '/v1/api_keys',
      headers: bearer(t.platformKey),
      payload: { name: 'old', type: 'secret' },
    });
    const old = made.json();
    const tenant = await createTestTenant(t);
    const url = `/v1/tenants/${tenant.publicId}/entitlements`;
    await usedAndCached(url, old.secret);
    const fresh = await t.app.inject({
      method: 'POST',
      url: '/v1/api_keys',
      headers: bearer(old.secret),
      payload: { name: 'new', type: 'secret' },
    });
    expect(fresh.statusCode).toBe(200);
    expect((await get(url, fresh.json().secret)).statusCode).toBe(200);
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/v1/api_keys/${old.id}`,
      headers: bearer(fresh.json().secret),
    });
    expect(revoked.statusCode).toBe(200);
    expect((await get(url, old.secret)).statusCode).toBe(401);
    expect((await get(url, fresh.json().secret)).statusCode).toBe(200);
  });

  it('refuses the key of a tenant deleted elsewhere (SQL) once the deletion is announced', async () => {
    const tenant = await createTestTenant(t);
    const url = `/v1/tenants/${tenant.publicId}`;
    await usedAndCached(url, tenant.key);
    const heard = announced(tenant.key);
    await ownerSql(t.database, `delete from tenants where id = '${tenant.id}'`);
    await heard.done;
    heard.stop();
    const next = await get(url, tenant.key);
    expect(next.statusCode).toBe(401);
  });

  it('a scope removed elsewhere (SQL) applies once announced', async () => {
    const tenant = await createTestTenant(t);
    const key = await restrictedKey(t, tenant, ['billing:read']);
    const url = `/v1/tenants/${tenant.publicId}/entitlements`;
    await usedAndCached(url, key);
    const heard = announced(key);
    await ownerSql(
      t.database,
      `update api_keys set scopes = '{tenants:read}' where secret_hash = '${sha256(key)}'`,
    );
    await heard.done;
    heard.stop();
    expect((await get(url, key)).statusCode).toBe(403);
  });

  it('a key refused once is accepted as soon as it is created elsewhere (no long negative answer)', async () => {
    const tenant = await createTestTenant(t);
    const key = `trb_sk_${'A'.repeat(20)}${Date.now().toString().padStart(20, '0')}`;
    const url = `/v1/tenants/${tenant.publicId}`;
    await usedAndCached(url, key, 401);
    const heard = announced(key);
    await ownerSql(
      t.database,
      `insert into api_keys (tenant_id, name, type, prefix, secret_hash)
       values ('${tenant.id}', 'by hand', 'secret', '${key.slice(0, 14)}', '${sha256(key)}')`,
    );
    await heard.done;
    heard.stop();
    expect((await get(url, key)).statusCode).toBe(200);
  });
});

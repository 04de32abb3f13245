import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.ts';
import { fillPayments } from '../helpers/payments.ts';
import { allRouteCases, type RouteCase } from '../helpers/routes.ts';

/**
 * Tributary keeps its own ids in the `tributary_*` metadata keys of Stripe objects: a
 * caller who could set one could point a webhook at another row. Every route whose body takes metadata —
 * found in the OpenAPI document, so a new one is covered without editing this file — refuses them, in any
 * letter case, with `metadata_reserved`.
 */
type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
};
type OpenApi = {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
  >;
  components?: { schemas?: Record<string, JsonSchema> };
};

/** Every path (keys; `[]` for an array's element) at which the schema has a `metadata` property. */
function metadataPaths(
  doc: OpenApi,
  schema: JsonSchema | undefined,
  at: string[] = [],
  depth = 0,
): string[][] {
  if (!schema || depth > 12) return [];
  if (schema.$ref) {
    const name = schema.$ref.split('/').pop()!;
    return metadataPaths(doc, doc.components?.schemas?.[name], at, depth + 1);
  }
  const out: string[][] = [];
  for (const sub of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])])
    out.push(...metadataPaths(doc, sub, at, depth + 1));
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    if (key === 'metadata') out.push([...at, key]);
    else out.push(...metadataPaths(doc, prop, [...at, key], depth + 1));
  }
  if (schema.items) out.push(...metadataPaths(doc, schema.items, [...at, '[]'], depth + 1));
  return out;
}

/** `body` with `metadata` set at `path` (an array's first element, made from the route's valid one). */
function withMetadata(body: Record<string, unknown>, path: string[], metadata: Record<string, string>) {
  const copy = structuredClone(body);
  let cur: Record<string, unknown> = copy;
  const param: string[] = [];
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    if (path[i + 1] === '[]') {
      const list = (Array.isArray(cur[key]) && cur[key].length ? cur[key] : [{}]) as Record<
        string,
        unknown
      >[];
      cur[key] = list;
      cur = list[0]!;
      param.push(key, '0');
      i++;
    } else {
      if (!cur[key]) cur[key] = {};
      cur = cur[key] as Record<string, unknown>;
      param.push(key);
    }
  }
  cur.metadata = metadata;
  param.push('metadata');
  const [head, ...rest] = param;
  return { body: copy, param: `${head}${rest.map((p) => `[${p}]`).join('')}` };
}

describe('reserved tributary_* metadata', () => {
  let t: TestApp;
  let tenant: TestTenant;
  let doc: OpenApi;

  beforeAll(async () => {
    t = await startTestApp();
    tenant = await createTestTenant(t, 'Reserved metadata');
    doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(() => t.close());

  const openApiPath = (r: RouteCase) => r.path.replace(/:(\w+)/g, '{$1}');
  const takesMetadata = () =>
    allRouteCases.flatMap((r) => {
      const op = doc.paths[openApiPath(r)]?.[r.method.toLowerCase()];
      const schema = op?.requestBody?.content?.['application/json']?.schema;
      return metadataPaths(doc, schema).map((path) => ({ route: r, path }));
    });
  const send = (r: RouteCase, body: object) =>
    t.app.inject({
      method: r.method,
      url: fillPayments(r.path, {}).replace(':id', tenant.publicId),
      headers: bearer(t.platformKey),
      payload: body,
    });

  it('finds every route that takes metadata', () => {
    const found = takesMetadata().map((c) => `${c.route.method} ${c.route.path} ${c.path.join('.')}`);
    // the routes known when this was written: the scan must at least see them (a broken scan finds none)
    expect(found).toEqual(
      expect.arrayContaining([
        'POST /v1/tenants metadata',
        'POST /v1/tenants/:id metadata',
        'POST /v1/tenants/:id/customers metadata',
        'POST /v1/tenants/:id/customers/:customer_id metadata',
        'POST /v1/tenants/:id/payment_intents metadata',
        'POST /v1/tenants/:id/payments/:payment_id/refunds metadata',
        'POST /v1/tenants/:id/invoices metadata',
        'POST /v1/tenants/:id/invoices/:invoice_id metadata',
        'POST /v1/tenants/:id/products metadata',
        'POST /v1/tenants/:id/subscriptions metadata',
      ]),
    );
  });

  for (const key of ['tributary_customer', 'Tributary_Customer', 'TRIBUTARY_PAYMENT', 'tributary_']) {
    it(`every route refuses metadata[${key}] with 400 metadata_reserved`, async () => {
      const cases = takesMetadata();
      expect(cases.length).toBeGreaterThan(0);
      for (const { route, path } of cases) {
        const { body, param } = withMetadata(route.body ?? {}, path, {
          order: '42',
          [key]: 'cust_00000000000000000000000000000000',
        });
        const res = await send(route, body);
        const what = `${route.method} ${route.path} ${param}`;
        expect(res.statusCode, `${what}: ${res.body}`).toBe(400);
        expect(res.json().error, what).toMatchObject({
          code: 'metadata_reserved',
          type: 'invalid_request_error',
          param: `${param}[${key}]`,
        });
      }
    });
  }

  it('keys that merely contain the word are the caller’s', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/v1/tenants/${tenant.publicId}`,
      headers: bearer(t.platformKey),
      payload: { metadata: { my_tributary_customer: 'x', tributaryish: 'y' } },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().metadata).toEqual({ my_tributary_customer: 'x', tributaryish: 'y' });
  });
});

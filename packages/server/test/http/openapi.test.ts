import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationIdOf } from '../../src/http/openapi.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

/**
 * The OpenAPI document is what packages/client's types are generated from: every /v1 operation must be
 * named, say what it answers on success and on error, and reference only components the document holds.
 */

interface Operation {
  operationId?: string;
  parameters?: { in: string; name: string }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};

/** Operations allowed to answer without a 2xx body schema. Empty: keep it so (add here only with a reason). */
const without2xxSchema: string[] = [];

describe('the OpenAPI document', () => {
  let t: TestApp;
  let doc: Doc;
  const ops: [string, Operation][] = [];

  beforeAll(async () => {
    t = await startTestApp({ sandbox: false });
    const res = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json();
    for (const [path, byMethod] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, op] of Object.entries(byMethod)) ops.push([`${method.toUpperCase()} ${path}`, op]);
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it('documents every /v1 route the app serves', () => {
    const served = t.app.routeTable
      .filter((r) => r.split(' ')[1]!.startsWith('/v1/'))
      .map((r) => r.replace(/:([a-z_]+)/g, '{$1}'));
    expect(ops.map(([name]) => name).sort()).toEqual([...new Set(served)].sort());
  });

  it('names every operation, each name once', () => {
    const ids = ops.map(([, op]) => op.operationId);
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('derives operation ids from the method and path', () => {
    expect(operationIdOf('GET', '/v1/tenants/:id/invoices')).toBe('getTenantsInvoices');
    expect(operationIdOf('POST', '/v1/tenants/{id}/invoices/{invoice_id}/send')).toBe(
      'postTenantsInvoicesSend',
    );
    expect(operationIdOf('DELETE', '/v1/webhook_endpoints/{endpoint_id}')).toBe(
      'deleteWebhookEndpointsByEndpointId',
    );
  });

  it('gives every operation a 2xx body schema and the shared error schema', () => {
    const missing2xx = ops
      .filter(([, op]) =>
        Object.entries(op.responses ?? {}).every(
          ([status, r]) => !status.startsWith('2') || !Object.values(r.content ?? {}).some((c) => c.schema),
        ),
      )
      .map(([name]) => name);
    expect(missing2xx).toEqual(without2xxSchema);
    const errorRef = { $ref: '#/components/schemas/Error' };
    const noError = ops
      .filter(([, op]) => {
        const responses = Object.entries(op.responses ?? {});
        const errors = responses.filter(([s]) => s === 'default' || /^[45]/.test(s));
        return (
          !op.responses?.default ||
          errors.some(
            ([, r]) => JSON.stringify(r.content?.['application/json']?.schema) !== JSON.stringify(errorRef),
          )
        );
      })
      .map(([name]) => name);
    expect(noError).toEqual([]);
    expect(doc.components.schemas.Error).toMatchObject({ properties: { error: { type: 'object' } } });
  });

  it('declares every path parameter', () => {
    const undeclared = ops.flatMap(([name, op]) =>
      [...name.matchAll(/\{([a-z_]+)\}/g)]
        .map((m) => m[1]!)
        .filter((p) => !op.parameters?.some((d) => d.in === 'path' && d.name === p))
        .map((p) => `${name}: ${p}`),
    );
    expect(undeclared).toEqual([]);
  });

  it('names the shared objects as components, and every reference resolves', () => {
    for (const name of [
      'Tenant',
      'DashboardLink',
      'Invoice',
      'InvoiceList',
      'WebhookEndpoint',
      'Payment',
      'Customer',
    ])
      expect(doc.components.schemas[name], name).toBeDefined();
    const refs = new Set(
      [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!),
    );
    expect([...refs].filter((r) => !(r in doc.components.schemas))).toEqual([]);
    // the routes of docs/client.md's common calls answer with named objects, not inline copies
    const ref200 = (path: string, method: string) =>
      JSON.stringify(doc.paths[path]?.[method]?.responses?.['200']?.content?.['application/json']?.schema);
    expect(ref200('/v1/tenants', 'post')).toBe('{"$ref":"#/components/schemas/Tenant"}');
    expect(ref200('/v1/tenants/{id}/dashboard_links', 'post')).toBe(
      '{"$ref":"#/components/schemas/DashboardLink"}',
    );
    expect(ref200('/v1/tenants/{id}/invoices', 'post')).toBe('{"$ref":"#/components/schemas/Invoice"}');
    expect(ref200('/v1/tenants/{id}/invoices', 'get')).toBe('{"$ref":"#/components/schemas/InvoiceList"}');
  });
});

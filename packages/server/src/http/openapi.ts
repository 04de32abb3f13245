import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * The OpenAPI document served at /openapi.json, complete enough to generate a typed client from
 * (packages/client): the zod schemas of each route (shared ones registered with `.meta({ id })` become
 * `#/components/schemas/…`), an operationId for every operation, and the error shape for any status a
 * route does not list.
 */

type Transform = NonNullable<FastifyDynamicSwaggerOptions['transform']>;
type TransformObject = NonNullable<FastifyDynamicSwaggerOptions['transformObject']>;

const pascal = (s: string): string =>
  s
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');

/**
 * `GET /v1/tenants/:id/invoices/:invoice_id` → `getTenantsInvoicesByInvoiceId`: the method, then the path's
 * literal segments; a path parameter is named (`By…`) only when it ends the path (the object the operation is
 * about). A route may set its own `operationId`; the openapi test checks that every one is unique.
 */
export function operationIdOf(method: string, url: string): string {
  const segments = url
    .replace(/^\/v1\//, '/')
    .split('/')
    .filter(Boolean);
  const parts = segments.map((s, i) => {
    const param = s.startsWith(':') ? s.slice(1) : /^\{(.+)\}$/.exec(s)?.[1];
    if (param === undefined) return pascal(s);
    return i === segments.length - 1 ? `By${pascal(param)}` : '';
  });
  return `${method.toLowerCase()}${parts.join('')}`;
}

export const openApiTransform: Transform = (input) => {
  const out = jsonSchemaTransform(input as Parameters<typeof jsonSchemaTransform>[0]);
  const { route } = input as { route?: { method: string | string[] } };
  const schema = out.schema as Record<string, unknown> | undefined;
  if (!schema || schema.hide || !route) return out;
  const method = [route.method].flat().find((m) => m !== 'HEAD') ?? 'GET';
  return { ...out, schema: { operationId: operationIdOf(method, out.url), ...schema } };
};

/**
 * fastify-type-provider-zod emits each named schema twice, as read (`Invoice`) and as written
 * (`InvoiceInput`); ours are answers, so the written forms no request refers to are left out.
 */
function dropUnusedInputs(doc: { components?: { schemas?: Record<string, unknown> } }): void {
  const schemas = doc.components?.schemas;
  if (!schemas) return;
  for (let removed = true; removed; ) {
    removed = false;
    const text = JSON.stringify(doc);
    for (const name of Object.keys(schemas)) {
      if (!name.endsWith('Input') || text.includes(`"#/components/schemas/${name}"`)) continue;
      delete schemas[name];
      removed = true;
    }
  }
}

const errorRef = { $ref: '#/components/schemas/Error' };

export const openApiTransformObject: TransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input as Parameters<typeof jsonSchemaTransformObject>[0]) as {
    paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  };
  // statuses a route does not list (402, 429, 5xx, …) answer with the same error shape
  for (const [path, ops] of Object.entries(doc.paths ?? {})) {
    if (!path.startsWith('/v1/')) continue;
    for (const op of Object.values(ops)) {
      op.responses ??= {};
      op.responses.default ??= {
        description: 'An error: the status says which kind (docs/api.md, "Errors").',
        content: { 'application/json': { schema: errorRef } },
      };
    }
  }
  dropUnusedInputs(doc as { components?: { schemas?: Record<string, unknown> } });
  return doc as ReturnType<TransformObject>;
};

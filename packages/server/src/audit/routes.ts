import { z } from 'zod';
import { requirePlatform } from '../auth/service.ts';
import { withSystem } from '../db/tenant.ts';
import { type IdKind, idPrefixes, parsePathId, toPublicId } from '../http/ids.ts';
import { listQuerySchema, toApiList } from '../http/pagination.ts';
import { ctxOf, type RouteModule } from '../http/routing.ts';
import { cursors, errorResponses, listOf, pathId, unixTime } from '../http/schemas.ts';
import { inTenant } from '../tenants/service.ts';
import { type AuditRow, listAudit } from './repo.ts';

const auditEntrySchema = z.object({
  id: z.string(),
  object: z.literal('audit_entry'),
  action: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() }),
  target: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  request_id: z.string().nullable(),
  created: z.number().int(),
});

function actorId(row: AuditRow): string | null {
  if (!row.actorId) return null;
  if (row.actorType === 'user') return toPublicId('user', row.actorId);
  if (row.actorType === 'api_key') return toPublicId('apiKey', row.actorId);
  return row.actorId;
}

function targetId(target: string | null): string | null {
  if (!target) return null;
  const [kind, id] = target.split(':') as [IdKind, string];
  return kind in idPrefixes && id ? toPublicId(kind, id) : target;
}

function toApiAudit(row: AuditRow): z.infer<typeof auditEntrySchema> {
  return {
    id: toPublicId('audit', row.id),
    object: 'audit_entry',
    action: row.action,
    actor: { type: row.actorType, id: actorId(row), label: row.actorLabel },
    target: targetId(row.target),
    data: row.data,
    request_id: row.requestId,
    created: unixTime(row.createdAt)!,
  };
}

export const auditRoutes: RouteModule = (app, deps) => {
  // GET /v1/tenants/:id/audit_log — who did what in this tenant, newest first
  app.get(
    '/v1/tenants/:id/audit_log',
    {
      config: { access: { tenant: 'audit_log:read' } },
      schema: {
        tags: ['audit'],
        params: z.strictObject({ id: pathId }),
        querystring: listQuerySchema,
        response: { 200: listOf(auditEntrySchema), ...errorResponses },
      },
    },
    async (req) => {
      const id = parsePathId('tenant', req.params.id);
      const q = cursors('audit', req.query);
      const page = await inTenant(ctxOf(req, deps), id, req.params.id, 'audit_log:read', (tx) =>
        listAudit(tx, id, q),
      );
      return toApiList(page, `/v1/tenants/${req.params.id}/audit_log`, toApiAudit);
    },
  );

  // GET /v1/audit_log — platform-level entries (operator / platform key)
  app.get(
    '/v1/audit_log',
    {
      config: { access: { platform: 'audit_log:read' } },
      schema: {
        tags: ['audit'],
        querystring: listQuerySchema,
        response: { 200: listOf(auditEntrySchema), ...errorResponses },
      },
    },
    async (req) => {
      const ctx = ctxOf(req, deps);
      requirePlatform(ctx.actor);
      const q = cursors('audit', req.query);
      const page = await withSystem(ctx.db, 'operator.audit', (tx) => listAudit(tx, null, q));
      return toApiList(page, '/v1/audit_log', toApiAudit);
    },
  );
};

import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';
import { type Page, paginate } from '../http/pagination.ts';

export type AuditRow = typeof auditLog.$inferSelect;

export function listAudit(
  tx: Tx,
  tenantId: string | null,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null },
): Promise<Page<AuditRow>> {
  return paginate<AuditRow>(
    tx,
    { table: auditLog, id: auditLog.id, created: auditLog.createdAt },
    and(tenantId === null ? isNull(auditLog.tenantId) : eq(auditLog.tenantId, tenantId)),
    q,
  );
}

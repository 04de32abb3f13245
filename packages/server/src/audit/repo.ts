import { and, eq, isNull } from 'drizzle-orm';
import { type Actor, actorLabel } from '../auth/service.ts';
import type { Tx } from '../db/client.ts';
import { auditLog } from '../db/schema/index.ts';
import type { IdKind } from '../http/ids.ts';
import { type Page, paginate } from '../http/pagination.ts';

export type AuditRow = typeof auditLog.$inferSelect;

export interface AuditEntry {
  tenantId: string | null;
  action: string;
  /** what was acted on, as `kind` + uuid; the API shows it as a public id */
  target?: { kind: IdKind; id: string } | null;
  data?: Record<string, unknown>;
}

/** Writes an audit entry in the caller's transaction, so it exists exactly when the change does. */
export async function insertAudit(
  tx: Tx,
  actor: Actor,
  requestId: string | null,
  entry: AuditEntry,
): Promise<void> {
  const who = actorLabel(actor);
  await tx.insert(auditLog).values({
    tenantId: entry.tenantId,
    actorType: who.type,
    actorId: who.id,
    actorLabel: who.label,
    action: entry.action,
    target: entry.target ? `${entry.target.kind}:${entry.target.id}` : null,
    data: entry.data ?? {},
    requestId,
  });
}

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

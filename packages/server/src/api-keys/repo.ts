import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { apiKeys } from '../db/schema/index.ts';
import { type Page, paginate } from '../http/pagination.ts';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function insertApiKey(
  tx: Tx,
  v: {
    tenantId: string | null;
    name: string;
    type: 'secret' | 'restricted';
    prefix: string;
    secretHash: string;
    scopes: string[];
    createdBy: string;
  },
): Promise<ApiKeyRow> {
  const [row] = await tx.insert(apiKeys).values(v).returning();
  return row!;
}

export function listApiKeys(
  tx: Tx,
  tenantId: string | null,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null },
): Promise<Page<ApiKeyRow>> {
  const owner = tenantId === null ? isNull(apiKeys.tenantId) : eq(apiKeys.tenantId, tenantId);
  return paginate<ApiKeyRow>(tx, { table: apiKeys, id: apiKeys.id, created: apiKeys.createdAt }, owner, q);
}

export async function revokeApiKey(
  tx: Tx,
  tenantId: string | null,
  id: string,
): Promise<ApiKeyRow | undefined> {
  const owner = tenantId === null ? isNull(apiKeys.tenantId) : eq(apiKeys.tenantId, tenantId);
  const [row] = await tx
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, id), owner))
    .returning();
  return row;
}

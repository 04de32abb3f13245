import { and, count, eq, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../db/client.ts';
import { memberships, type Role, type TenantSettings, tenants, users } from '../db/schema/index.ts';
import { type Page, paginate } from '../http/pagination.ts';

export type TenantRow = typeof tenants.$inferSelect;

export async function getTenant(tx: Tx, id: string): Promise<TenantRow | undefined> {
  const [row] = await tx.select().from(tenants).where(eq(tenants.id, id));
  return row;
}

export async function insertTenant(
  tx: Tx,
  v: { name: string; externalId?: string | null; metadata?: Record<string, string> },
) {
  const [row] = await tx
    .insert(tenants)
    .values({ name: v.name, externalId: v.externalId ?? null, metadata: v.metadata ?? {} })
    .onConflictDoNothing()
    .returning();
  return row;
}

export function listTenants(
  tx: Tx,
  q: { limit: number; startingAfter?: string | null; endingBefore?: string | null },
): Promise<Page<TenantRow>> {
  return paginate<TenantRow>(
    tx,
    { table: tenants, id: tenants.id, created: tenants.createdAt },
    undefined,
    q,
  );
}

/** A tenant's plan with the platform, as the operator's list shows it. */
export interface TenantPlanSummary {
  plan: { id: string; lookupKey: string; name: string } | null;
  state: string;
}

/**
 * The plan and billing state of each of `ids`, in one query (the operator's list, in its system
 * transaction): the tenant's billing row, or the default plan for a tenant that has none yet (the row is
 * made on its first use; a list never writes).
 */
export async function planSummaries(tx: Tx, ids: string[]): Promise<Map<string, TenantPlanSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{
    tenant_id: string;
    state: string;
    plan_id: string | null;
    lookup_key: string | null;
    name: string | null;
  }>(
    tx,
    sql`select t.id::text as tenant_id, coalesce(b.state, 'active') as state,
               p.id::text as plan_id, p.lookup_key, p.name
        from (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid as id) t
        left join tenant_billing b on b.tenant_id = t.id
        left join plans p on p.id = coalesce(b.plan_id, (select d.id from plans d where d.is_default))`,
  );
  return new Map(
    rows.map((r) => [
      r.tenant_id,
      {
        state: r.state,
        plan: r.plan_id ? { id: r.plan_id, lookupKey: r.lookup_key!, name: r.name! } : null,
      },
    ]),
  );
}

export async function updateTenant(
  tx: Tx,
  id: string,
  v: { name?: string; metadata?: Record<string, string>; settings?: TenantSettings },
): Promise<TenantRow | undefined> {
  const [row] = await tx
    .update(tenants)
    .set({
      ...(v.name !== undefined ? { name: v.name } : {}),
      ...(v.metadata !== undefined ? { metadata: v.metadata } : {}),
      ...(v.settings !== undefined
        ? { settings: sql`${tenants.settings} || ${JSON.stringify(v.settings)}::jsonb` }
        : {}),
      updatedAt: sql`now()`,
    })
    .where(eq(tenants.id, id))
    .returning();
  return row;
}

export type MemberRow = { userId: string; email: string; name: string | null; role: Role; createdAt: Date };

function selectMembers(tx: Tx) {
  return tx
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: memberships.role,
      createdAt: memberships.createdAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId));
}

export async function listMembers(tx: Tx, tenantId: string): Promise<MemberRow[]> {
  return selectMembers(tx).where(eq(memberships.tenantId, tenantId)).orderBy(memberships.createdAt, users.id);
}

export async function getMember(tx: Tx, tenantId: string, userId: string): Promise<MemberRow | undefined> {
  const rows = await selectMembers(tx)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)))
    .for('update', { of: memberships });
  return rows[0];
}

export async function countOwners(tx: Tx, tenantId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(memberships)
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, 'owner')));
  return row?.n ?? 0;
}

/** Serialises membership changes of one tenant, so two concurrent demotions cannot leave it ownerless. */
export async function lockTenantMembers(tx: Tx, tenantId: string): Promise<void> {
  await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('update');
}

export async function setRole(tx: Tx, tenantId: string, userId: string, role: Role): Promise<void> {
  await tx
    .update(memberships)
    .set({ role })
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
}

export async function deleteMember(tx: Tx, tenantId: string, userId: string): Promise<void> {
  await tx.delete(memberships).where(and(eq(memberships.tenantId, tenantId), eq(memberships.userId, userId)));
}

/** The tenant's owners' e-mails, for alerts the platform's app sends them (disputes). */
/** Who hears the tenant's owner alerts: its owners and admins, each address once. */
export async function alertRecipients(tx: Tx, tenantId: string): Promise<string[]> {
  const res = (await tx.execute(sql`
    select distinct lower(u.email) as email from memberships m join users u on u.id = m.user_id
    where m.tenant_id = ${tenantId} and m.role in ('owner', 'admin') order by 1`)) as unknown as {
    rows: { email: string }[];
  };
  return res.rows.map((r) => r.email);
}

/** The tenant's owners and admins with their addresses: who owner alerts go to, before their preferences. */
export async function alertMembers(tx: Tx, tenantId: string): Promise<{ userId: string; email: string }[]> {
  const res = (await tx.execute(sql`
    select m.user_id as "userId", lower(u.email) as email from memberships m join users u on u.id = m.user_id
    where m.tenant_id = ${tenantId} and m.role in ('owner', 'admin') order by 2`)) as unknown as {
    rows: { userId: string; email: string }[];
  };
  return res.rows;
}

export async function ownerEmails(tx: Tx, tenantId: string): Promise<string[]> {
  const res = (await tx.execute(sql`
    select u.email from memberships m join users u on u.id = m.user_id
    where m.tenant_id = ${tenantId} and m.role = 'owner' order by u.email`)) as unknown as {
    rows: { email: string }[];
  };
  return res.rows.map((r) => r.email);
}

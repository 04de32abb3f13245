import { and, desc, eq, gt, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import {
  apiKeys,
  dashboardLinks,
  memberships,
  type OperatorRole,
  type Role,
  sessions,
  setupTokens,
  supportInvitations,
  users,
} from '../db/schema/index.ts';
import { roleOrder } from '../scope/scopes.ts';

export type UserRow = typeof users.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;

export async function findActiveApiKey(tx: Tx, secretHash: string): Promise<ApiKeyRow | undefined> {
  const [row] = await tx
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, secretHash), isNull(apiKeys.revokedAt)));
  return row;
}

/** A key that is not revoked, by its id (the key that started a Connect OAuth flow, say). */
export async function findActiveApiKeyById(tx: Tx, id: string): Promise<ApiKeyRow | undefined> {
  const [row] = await tx
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  return row;
}

/** Records use at most once a minute per key, so authentication does not write on every request. */
export async function touchApiKey(tx: Tx, id: string): Promise<void> {
  await tx
    .update(apiKeys)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, id),
        sql`(${apiKeys.lastUsedAt} IS NULL OR ${apiKeys.lastUsedAt} < now() - interval '60 seconds')`,
      ),
    );
}

/**
 * A live session with its user and the memberships it may use: for a session bound to a tenant (opened by
 * a dashboard link) only that tenant's, read now, so a role lowered or removed since takes effect at once.
 */
export async function findLiveSession(tx: Tx, tokenHash: string) {
  const [row] = await tx
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, sql`now()`)),
    );
  if (!row) return undefined;
  const bound = row.session.boundTenantId;
  const ms = await tx
    .select({ tenantId: memberships.tenantId, role: memberships.role })
    .from(memberships)
    .where(
      and(eq(memberships.userId, row.user.id), bound === null ? undefined : eq(memberships.tenantId, bound)),
    );
  return { ...row, memberships: ms };
}

export async function insertSession(
  tx: Tx,
  v: {
    userId: string;
    tokenHash: string;
    csrfToken: string;
    ttlHours: number;
    /** A dashboard link's tenant and role; none for a password sign-in. */
    bound?: { tenantId: string; role: Role } | null;
  },
) {
  const [row] = await tx
    .insert(sessions)
    .values({
      userId: v.userId,
      boundTenantId: v.bound?.tenantId ?? null,
      boundRole: v.bound?.role ?? null,
      tokenHash: v.tokenHash,
      csrfToken: v.csrfToken,
      expiresAt: sql`now() + make_interval(hours => ${v.ttlHours})`,
    })
    .returning();
  return row!;
}

export async function revokeSession(tx: Tx, tokenHash: string): Promise<void> {
  await tx.update(sessions).set({ revokedAt: sql`now()` }).where(eq(sessions.tokenHash, tokenHash));
}

export async function findUserByEmail(tx: Tx, email: string): Promise<UserRow | undefined> {
  const [row] = await tx.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

/**
 * Whether a dashboard link may sign this account in. The operator, and any account with a password, signs in
 * with that password: a link for it would let whoever asked for the link act under its name.
 */
export function signsInByLink(user: UserRow): boolean {
  return user.operatorRole === null && user.passwordHash === null;
}

/** Creates the user, or returns the existing account with this e-mail (compared case-insensitively). */
export async function insertUser(
  tx: Tx,
  v: {
    email: string;
    name?: string | null;
    passwordHash?: string | null;
    operatorRole?: OperatorRole | null;
  },
) {
  const [row] = await tx
    .insert(users)
    .values({
      email: v.email,
      name: v.name ?? null,
      passwordHash: v.passwordHash ?? null,
      operatorRole: v.operatorRole ?? null,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? (await findUserByEmail(tx, v.email))!;
}

export async function operatorExists(tx: Tx): Promise<boolean> {
  const [row] = await tx
    .select({ id: users.id })
    .from(users)
    .where(eq(users.operatorRole, 'operator'))
    .limit(1);
  return Boolean(row);
}

export async function replaceSetupToken(tx: Tx, tokenHash: string): Promise<void> {
  await tx.delete(setupTokens).where(isNull(setupTokens.usedAt));
  await tx.insert(setupTokens).values({ tokenHash });
}

export async function useSetupToken(tx: Tx, tokenHash: string): Promise<boolean> {
  const used = await tx
    .update(setupTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(setupTokens.tokenHash, tokenHash), isNull(setupTokens.usedAt)))
    .returning({ id: setupTokens.id });
  return used.length === 1;
}

export async function insertDashboardLink(
  tx: Tx,
  v: {
    tenantId: string;
    userId: string;
    role: Role;
    tokenHash: string;
    createdBy: string;
    ttlSeconds: number;
    invitation: boolean;
    email: string;
  },
) {
  const [row] = await tx
    .insert(dashboardLinks)
    .values({ ...v, expiresAt: sql`now() + make_interval(secs => ${v.ttlSeconds})` })
    .returning();
  return row!;
}

/** A user with their role in one tenant (null when not a member), for re-checking what they may grant. */
export async function userInTenant(tx: Tx, userId: string, tenantId: string) {
  const [row] = await tx
    .select({ user: users, role: memberships.role })
    .from(users)
    .leftJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.tenantId, tenantId)))
    .where(eq(users.id, userId));
  return row;
}

/** When a link made now would expire, by the database's clock (as `insertDashboardLink` computes it). */
export async function linkExpiry(tx: Tx, ttlSeconds: number): Promise<Date> {
  const [row] = await tx
    .select({ at: sql<Date>`now() + make_interval(secs => ${ttlSeconds})`.mapWith(dashboardLinks.expiresAt) })
    .from(sql`(select 1) as one`);
  return row!.at;
}

/** Marks a link used if it is unused and unexpired (single-use even under concurrent clicks); with its user. */
export async function consumeDashboardLink(tx: Tx, tokenHash: string) {
  const [row] = await tx
    .update(dashboardLinks)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(dashboardLinks.tokenHash, tokenHash),
        isNull(dashboardLinks.usedAt),
        gt(dashboardLinks.expiresAt, sql`now()`),
      ),
    )
    .returning();
  if (!row) return undefined;
  const [user] = await tx.select().from(users).where(eq(users.id, row.userId));
  return { ...row, user: user! };
}

const rank = sql.raw(`ARRAY[${roleOrder.map((r) => `'${r}'`).join(', ')}]::text[]`);

/** Adds the membership if missing; an existing member keeps their role unless the link names a higher one. */
export async function grantMembership(tx: Tx, tenantId: string, userId: string, role: Role): Promise<void> {
  await tx
    .insert(memberships)
    .values({ tenantId, userId, role })
    .onConflictDoUpdate({
      target: [memberships.tenantId, memberships.userId],
      set: {
        // the higher of the two, in roleOrder (support < member < admin < owner)
        role: sql`CASE WHEN array_position(${rank}, excluded.role) > array_position(${rank}, ${memberships.role}) THEN excluded.role ELSE ${memberships.role} END`,
      },
    });
}

/**
 * Forgets sessions that expired or were revoked, and links and support invitations expired a week ago
 * (maintenance's system tx).
 */
export async function purgeDeadSessions(tx: Tx): Promise<{ sessions: number; links: number }> {
  const sess = await tx
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, sql`now()`), isNotNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  const links = await tx
    .delete(dashboardLinks)
    .where(lt(dashboardLinks.expiresAt, sql`now() - interval '7 days'`))
    .returning({ id: dashboardLinks.id });
  // support users' invitations too (the operator's), counted with the links
  const invitations = await tx
    .delete(supportInvitations)
    .where(lt(supportInvitations.expiresAt, sql`now() - interval '7 days'`))
    .returning({ id: supportInvitations.id });
  return { sessions: sess.length, links: links.length + invitations.length };
}

/** The tenant's team invitations not yet used, revoked or expired, newest first. */
export function pendingInvitations(tx: Tx, tenantId: string) {
  return tx
    .select({
      id: dashboardLinks.id,
      email: dashboardLinks.email,
      role: dashboardLinks.role,
      createdAt: dashboardLinks.createdAt,
      expiresAt: dashboardLinks.expiresAt,
    })
    .from(dashboardLinks)
    .where(
      and(
        eq(dashboardLinks.tenantId, tenantId),
        eq(dashboardLinks.invitation, true),
        isNull(dashboardLinks.usedAt),
        gt(dashboardLinks.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(dashboardLinks.createdAt), desc(dashboardLinks.id));
}

/** Revokes a pending invitation (it expires now); its row as it was, or undefined when none is pending. */
export async function revokeInvitation(tx: Tx, tenantId: string, id: string) {
  const [row] = await tx
    .update(dashboardLinks)
    .set({ expiresAt: sql`now()` })
    .where(
      and(
        eq(dashboardLinks.id, id),
        eq(dashboardLinks.tenantId, tenantId),
        eq(dashboardLinks.invitation, true),
        isNull(dashboardLinks.usedAt),
        gt(dashboardLinks.expiresAt, sql`now()`),
      ),
    )
    .returning({ id: dashboardLinks.id, email: dashboardLinks.email, role: dashboardLinks.role });
  return row;
}

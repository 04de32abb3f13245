// The operator's support users (issue 23): platform accounts with operator_role 'support' and their
// single-use invitations. Platform rows: every query here runs under withSystem.
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { memberships, sessions, supportInvitations, users } from '../db/schema/index.ts';
import type { PageQuery } from '../http/pagination.ts';
import { paginate } from '../http/pagination.ts';

export type SupportUserRow = typeof users.$inferSelect;

/** A support user with their newest invitation's expiry (null once they set a password). */
export interface SupportUser {
  user: SupportUserRow;
  /** the pending invitation's expiry; null when none is pending */
  invitationExpiresAt: Date | null;
}

export async function hasMemberships(tx: Tx, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ one: sql`1` })
    .from(memberships)
    .where(eq(memberships.userId, userId))
    .limit(1);
  return Boolean(row);
}

export async function makeSupportUser(tx: Tx, userId: string, name: string | null): Promise<void> {
  await tx
    .update(users)
    .set({ operatorRole: 'support', ...(name ? { name } : {}) })
    .where(eq(users.id, userId));
}

/** Any invitation of this user still pending expires now: only the newest link works. */
export async function expireInvitations(tx: Tx, userId: string): Promise<number> {
  const rows = await tx
    .update(supportInvitations)
    .set({ expiresAt: sql`now()` })
    .where(
      and(
        eq(supportInvitations.userId, userId),
        isNull(supportInvitations.usedAt),
        gt(supportInvitations.expiresAt, sql`now()`),
      ),
    )
    .returning({ id: supportInvitations.id });
  return rows.length;
}

export async function insertInvitation(
  tx: Tx,
  v: { userId: string; tokenHash: string; createdBy: string; ttlSeconds: number },
) {
  const [row] = await tx
    .insert(supportInvitations)
    .values({
      userId: v.userId,
      tokenHash: v.tokenHash,
      createdBy: v.createdBy,
      expiresAt: sql`now() + make_interval(secs => ${v.ttlSeconds})`,
    })
    .returning();
  return row!;
}

/**
 * Marks the invitation used if it is unused, unexpired and its user is still a support user without a
 * password (single-use even under concurrent clicks); with its user.
 */
export async function consumeInvitation(tx: Tx, tokenHash: string) {
  const [row] = await tx
    .update(supportInvitations)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(supportInvitations.tokenHash, tokenHash),
        isNull(supportInvitations.usedAt),
        gt(supportInvitations.expiresAt, sql`now()`),
      ),
    )
    .returning();
  if (!row) return undefined;
  const [user] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, row.userId), eq(users.operatorRole, 'support'), isNull(users.passwordHash)));
  return user ? { invitation: row, user } : undefined;
}

export async function setPassword(tx: Tx, userId: string, passwordHash: string, name: string | null) {
  await tx
    .update(users)
    .set({ passwordHash, ...(name ? { name } : {}) })
    .where(eq(users.id, userId));
}

export async function listSupportUsers(
  tx: Tx,
  q: PageQuery,
): Promise<{ data: SupportUser[]; hasMore: boolean }> {
  const page = await paginate<SupportUserRow>(
    tx,
    { table: users, id: users.id, created: users.createdAt },
    eq(users.operatorRole, 'support'),
    q,
  );
  const out: SupportUser[] = [];
  for (const user of page.data) out.push({ user, invitationExpiresAt: await pendingExpiry(tx, user.id) });
  return { data: out, hasMore: page.hasMore };
}

export async function getSupportUser(tx: Tx, userId: string): Promise<SupportUser | undefined> {
  const [user] = await tx
    .select()
    .from(users)
    .where(and(eq(users.id, userId), eq(users.operatorRole, 'support')));
  return user ? { user, invitationExpiresAt: await pendingExpiry(tx, user.id) } : undefined;
}

async function pendingExpiry(tx: Tx, userId: string): Promise<Date | null> {
  const [row] = await tx
    .select({ expiresAt: supportInvitations.expiresAt })
    .from(supportInvitations)
    .where(
      and(
        eq(supportInvitations.userId, userId),
        isNull(supportInvitations.usedAt),
        gt(supportInvitations.expiresAt, sql`now()`),
      ),
    )
    .orderBy(desc(supportInvitations.createdAt))
    .limit(1);
  return row?.expiresAt ?? null;
}

/**
 * Revokes a support user: no longer an operator's support user, no password (the account is left as any
 * e-mail with no powers), every session and pending invitation ended. The row is kept: the audit log names it.
 */
export async function revokeSupportUser(tx: Tx, userId: string): Promise<void> {
  await expireInvitations(tx, userId);
  await tx
    .update(sessions)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)));
  await tx.update(users).set({ operatorRole: null, passwordHash: null }).where(eq(users.id, userId));
}

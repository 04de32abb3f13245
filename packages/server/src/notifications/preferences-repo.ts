import { and, eq, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { customerEmailSettings, memberAlertPreferences } from '../db/schema/index.ts';

/** The tenant's customer e-mail settings that have a row (a template without one is off). */
export async function customerEmailRows(tx: Tx, tenantId: string): Promise<Map<string, boolean>> {
  const rows = await tx
    .select({ template: customerEmailSettings.template, enabled: customerEmailSettings.enabled })
    .from(customerEmailSettings)
    .where(eq(customerEmailSettings.tenantId, tenantId));
  return new Map(rows.map((r) => [r.template, r.enabled]));
}

export async function setCustomerEmail(tx: Tx, tenantId: string, template: string, enabled: boolean) {
  await tx
    .insert(customerEmailSettings)
    .values({ tenantId, template, enabled })
    .onConflictDoUpdate({
      target: [customerEmailSettings.tenantId, customerEmailSettings.template],
      set: { enabled, updatedAt: sql`now()` },
    });
}

/** One member's alert preferences that have a row (a template without one is on). */
export async function memberAlertRows(
  tx: Tx,
  tenantId: string,
  userId: string,
): Promise<Map<string, boolean>> {
  const rows = await tx
    .select({ template: memberAlertPreferences.template, enabled: memberAlertPreferences.enabled })
    .from(memberAlertPreferences)
    .where(and(eq(memberAlertPreferences.tenantId, tenantId), eq(memberAlertPreferences.userId, userId)));
  return new Map(rows.map((r) => [r.template, r.enabled]));
}

export async function setMemberAlert(
  tx: Tx,
  tenantId: string,
  userId: string,
  template: string,
  enabled: boolean,
) {
  await tx
    .insert(memberAlertPreferences)
    .values({ tenantId, userId, template, enabled })
    .onConflictDoUpdate({
      target: [
        memberAlertPreferences.tenantId,
        memberAlertPreferences.userId,
        memberAlertPreferences.template,
      ],
      set: { enabled, updatedAt: sql`now()` },
    });
}

/** The users of the tenant who turned `template` off. */
export async function usersMuting(tx: Tx, tenantId: string, template: string): Promise<Set<string>> {
  const rows = await tx
    .select({ userId: memberAlertPreferences.userId })
    .from(memberAlertPreferences)
    .where(
      and(
        eq(memberAlertPreferences.tenantId, tenantId),
        eq(memberAlertPreferences.template, template),
        eq(memberAlertPreferences.enabled, false),
      ),
    );
  return new Set(rows.map((r) => r.userId));
}

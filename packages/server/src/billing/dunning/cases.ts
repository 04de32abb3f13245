import { and, eq, ne, or, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Tx } from '../../db/client.ts';
import { type BillingState, dunningCases, tenantBilling } from '../../db/schema/index.ts';
import { syncedNoEarlierThan } from '../../db/sync-guard.ts';
import { toPublicId } from '../../http/ids.ts';
import type { Jobs } from '../../jobs/define.ts';
import { alertOwners, notifyField, type OwnerAlert, type TemplateData } from '../../notifications/service.ts';
import { insertAudit } from '../../scope/audit.ts';
import { emitOutbound } from '../../webhooks/service.ts';
import { changedIn } from '../entitlements-cache.ts';
import { recoveryUrl } from '../recovery/token.ts';

// A tenant's dunning case in its transaction: read, its phase moved with the tenant's billing state, and what
// each step tells the tenant (an e-mail to its owners, admins and billing contact) and the platform's app (an
// outbound webhook). Each e-mail and webhook is keyed by the case and step, so a step redone sends nothing new.

export type DunningCaseRow = typeof dunningCases.$inferSelect;

export interface DunningDeps {
  config: Config;
  jobs: Jobs;
}

const system = { kind: 'system', label: 'dunning' } as const;

export async function openCaseOf(tx: Tx, tenantId: string): Promise<DunningCaseRow | null> {
  const [row] = await tx
    .select()
    .from(dunningCases)
    .where(and(eq(dunningCases.tenantId, tenantId), ne(dunningCases.phase, 'closed')));
  return row ?? null;
}

/** The case `invoice` failed in: as its first invoice, or joined to it since (the open case first). */
export async function caseOfInvoice(
  tx: Tx,
  tenantId: string,
  invoice: string,
): Promise<DunningCaseRow | null> {
  const rows = await tx
    .select()
    .from(dunningCases)
    .where(
      and(
        eq(dunningCases.tenantId, tenantId),
        or(
          eq(dunningCases.stripeInvoiceId, invoice),
          sql`${dunningCases.joinedInvoices} @> ${JSON.stringify([{ id: invoice }])}::jsonb`,
        ),
      ),
    );
  return rows.find((r) => r.phase !== 'closed') ?? rows[0] ?? null;
}

/** The case's invoices in the order they are owed: its first, then those joined since. */
export const invoicesOf = (c: DunningCaseRow): string[] => [
  c.stripeInvoiceId,
  ...c.joinedInvoices.map((j) => j.id),
];

/** Its invoices not yet paid or voided, oldest first. */
export const outstandingOf = (c: DunningCaseRow): string[] =>
  invoicesOf(c).filter((id) => !c.settledInvoices.includes(id));

/** Each of the case's invoices with the amount it failed for (`amount_due` is their sum). */
export function invoiceAmounts(c: DunningCaseRow): { id: string; amount: number }[] {
  const joined = c.joinedInvoices.reduce((sum, j) => sum + j.amount, 0);
  return [
    { id: c.stripeInvoiceId, amount: c.amountDue - joined },
    ...c.joinedInvoices.map(({ id, amount }) => ({ id, amount })),
  ];
}

/** What is still owed on the case: its invoices' amounts, less those paid or voided. */
export const amountOwed = (c: DunningCaseRow): number =>
  invoiceAmounts(c)
    .filter((i) => !c.settledInvoices.includes(i.id))
    .reduce((sum, i) => sum + i.amount, 0);

/** Moves an open case on, only from the phase it was read in (a concurrent run moved it: null). */
export async function updateCase(
  tx: Tx,
  c: DunningCaseRow,
  set: Partial<typeof dunningCases.$inferInsert>,
): Promise<DunningCaseRow | null> {
  const [row] = await tx
    .update(dunningCases)
    .set({ ...set, updatedAt: new Date() })
    .where(
      and(
        eq(dunningCases.id, c.id),
        eq(dunningCases.phase, c.phase),
        eq(dunningCases.attemptsMade, c.attemptsMade),
        // the invoice lists as read: a change made meanwhile (a payment's event settling another invoice, a
        // renewal joining) is never overwritten by one computed from the older lists
        sql`${dunningCases.joinedInvoices} = ${JSON.stringify(c.joinedInvoices)}::jsonb`,
        sql`${dunningCases.settledInvoices} = ${JSON.stringify(c.settledInvoices)}::jsonb`,
      ),
    )
    .returning();
  return row ?? null;
}

/**
 * The tenant's billing state (what the entitlements API and the 402 checks read). `observedAt`: when what
 * ended the restrictions was seen at Stripe (before the call that saw its invoice paid), so a subscription
 * snapshot read before it (still `past_due`) cannot bring them back.
 */
export async function setBillingState(
  tx: Tx,
  tenantId: string,
  state: BillingState,
  observedAt?: Date,
): Promise<void> {
  changedIn(tx, tenantId);
  await tx
    .update(tenantBilling)
    .set({
      state,
      ...(observedAt ? { lastSyncedAt: syncedNoEarlierThan(tenantBilling.lastSyncedAt, observedAt) } : {}),
      updatedAt: new Date(),
    })
    .where(eq(tenantBilling.tenantId, tenantId));
}

type Step = 'past_due' | 'warning' | 'suspended' | 'recovered';

/** The case as the outbound webhooks show it. */
export function toApiCase(config: Config, c: DunningCaseRow) {
  const s = (d: Date | null) => (d ? Math.floor(d.getTime() / 1000) : null);
  return {
    object: 'dunning_case' as const,
    tenant: toPublicId('tenant', c.tenantId),
    invoice: c.stripeInvoiceId,
    amount_due: amountOwed(c),
    invoices: outstandingOf(c),
    currency: c.currency,
    phase: c.phase,
    outcome: c.outcome,
    attempts_made: c.attemptsMade,
    attempts_total: config.dunningRetryDays.length,
    opened_at: s(c.openedAt),
    next_attempt_at: s(c.nextAttemptAt),
    suspend_at: s(c.suspendAt),
  };
}

export interface Mail<T extends OwnerAlert> {
  template: T;
  data: TemplateData[T];
  /** the case and step: one e-mail per key */
  key: string;
}

/** A dunning e-mail to the tenant's owners, admins and verified billing contact, once per key. */
export function mailOwners<T extends OwnerAlert>(
  tx: Tx,
  deps: DunningDeps,
  c: DunningCaseRow,
  mail: Mail<T>,
) {
  return alertOwners(
    tx,
    { config: deps.config, enqueue: (queue, data) => deps.jobs.sendInTx(tx, queue, data) },
    { tenantId: c.tenantId, template: mail.template, data: mail.data, dedupKey: mail.key },
  );
}

/**
 * The step's e-mail (when it has one) and its outbound webhook `tenant.billing.<step>`, each once per case
 * and step, with the audit entry.
 */
export async function announce<T extends OwnerAlert>(
  tx: Tx,
  deps: DunningDeps,
  c: DunningCaseRow,
  step: Step,
  mail: Mail<T> | null,
): Promise<void> {
  const sender = mail ? await mailOwners(tx, deps, c, mail) : null;
  const id = await emitOutbound(tx, deps.jobs, {
    tenantId: c.tenantId,
    type: `tenant.billing.${step}`,
    data: { ...toApiCase(deps.config, c), ...notifyField(sender) },
    sourceEventId: `dunning:${c.id}`,
  });
  if (id)
    await insertAudit(tx, system, null, {
      tenantId: c.tenantId,
      action: `billing.dunning_${step}`,
      data: { invoice: c.stripeInvoiceId, attempts_made: c.attemptsMade, phase: c.phase },
    });
}

/** What every dunning e-mail carries: the amount owed and where to pay it. */
export const owed = (config: Config, c: DunningCaseRow) => ({
  amount: amountOwed(c),
  currency: c.currency,
  recoveryUrl: recoveryUrl(config, c.tenantId),
});

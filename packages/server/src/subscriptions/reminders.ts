import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client.ts';
import { withSystem, withTenant } from '../db/tenant.ts';
import { toPublicId } from '../http/ids.ts';
import type { JobDeps } from '../jobs/define.ts';
import { emailCustomer } from '../notifications/service.ts';

// Renewal reminders: a subscription that renews within RENEWAL_REMINDER_DAYS gets one e-mail to its customer
// per period (the key holds the period's end), written in the tenant's own transaction; kept `suppressed`
// where the tenant has not turned reminders on.

type Rows<T> = { rows: T[] };

/**
 * Subscriptions of every tenant renewing in (now, now + days]: ids only, read across tenants. Only periods
 * longer than the window: a weekly plan would otherwise hear of its next renewal right after each one.
 */
function dueForReminder(tx: Tx, now: Date, days: number) {
  const until = new Date(now.getTime() + days * 86_400_000);
  return tx.execute(sql`
    select tenant_id as "tenantId", id from subscriptions
    where status in ('active', 'trialing') and not cancel_at_period_end
      and current_period_end > ${now.toISOString()} and current_period_end <= ${until.toISOString()}
      and (current_period_start is null
        or current_period_end - current_period_start > make_interval(days => ${days}))`) as unknown as Promise<
    Rows<{ tenantId: string; id: string }>
  >;
}

async function remindOne(
  tx: Tx,
  deps: Pick<JobDeps, 'config' | 'jobs'>,
  subscriptionId: string,
): Promise<boolean> {
  const res = (await tx.execute(sql`
    select s.id, s.tenant_id as "tenantId", s.current_period_end as "periodEnd", s.quantity, s.status,
      s.cancel_at_period_end as "cancelAtPeriodEnd", p.unit_amount as "unitAmount", p.currency,
      pr.name as product, c.email, c.preferred_locale as locale
    from subscriptions s
      left join prices p on p.id = s.price_id
      left join products pr on pr.id = p.product_id
      left join customers c on c.id = s.customer_id
    where s.id = ${subscriptionId}`)) as unknown as Rows<{
    id: string;
    tenantId: string;
    periodEnd: string | Date | null;
    quantity: number;
    status: string;
    cancelAtPeriodEnd: boolean;
    unitAmount: number | null;
    currency: string | null;
    product: string | null;
    email: string | null;
    locale: string | null;
  }>;
  const s = res.rows[0];
  if (!s?.periodEnd || s.unitAmount === null || !s.currency || s.cancelAtPeriodEnd) return false;
  const periodEnd = new Date(s.periodEnd);
  const { created } = await emailCustomer(
    tx,
    { config: deps.config, enqueue: (queue, data) => deps.jobs().sendInTx(tx, queue, data) },
    {
      tenantId: s.tenantId,
      template: 'renewal_reminder',
      to: s.email,
      locale: s.locale,
      dedupKey: `renewal_reminder:${s.id}:${Math.floor(periodEnd.getTime() / 1000)}`,
      data: {
        subscriptionId: toPublicId('subscription', s.id),
        description: s.product ?? 'Your subscription',
        amount: s.unitAmount * s.quantity,
        currency: s.currency,
        renewsAt: periodEnd.toISOString(),
      },
    },
  );
  return created;
}

/** Writes the reminders due at `now` (the maintenance job's run); returns how many were new. */
export async function remindRenewals(
  deps: Pick<JobDeps, 'db' | 'config' | 'jobs'>,
  now = new Date(),
): Promise<number> {
  const days = deps.config.RENEWAL_REMINDER_DAYS;
  if (days === 0) return 0;
  const due = await withSystem(deps.db, 'notifications.reminder_scan', (tx) => dueForReminder(tx, now, days));
  let made = 0;
  for (const d of due.rows)
    if (await withTenant(deps.db, d.tenantId, (tx) => remindOne(tx, deps, d.id))) made++;
  return made;
}

import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/client.ts';
import { withSystem, withTenant } from '../../db/tenant.ts';
import type { JobDeps } from '../../jobs/define.ts';
import { emailCustomer } from '../../notifications/service.ts';
import { cardUpdateUrlFor } from './card-update.ts';

// Saved cards that expire this month or next: one e-mail to the customer per card and expiry (the key holds
// both), written in the tenant's own transaction; kept `suppressed` unless the tenant turned it on. Its
// "Update your card" link is Tributary's page that opens a Stripe session when clicked (card-update.ts).

type Rows<T> = { rows: T[] };

const monthIndex = (year: number, month: number) => year * 12 + (month - 1);

/** Every tenant's saved, attached cards of customers not deleted, expiring in `now`'s month or the next (UTC): ids only. */
function expiringCards(tx: Tx, now: Date) {
  const current = monthIndex(now.getUTCFullYear(), now.getUTCMonth() + 1);
  return tx.execute(sql`
    select pm.tenant_id as "tenantId", pm.id from payment_methods pm join customers c on c.id = pm.customer_id
    where pm.type = 'card' and pm.detached_at is null and not c.deleted
      and pm.exp_year is not null and pm.exp_month is not null
      and pm.exp_year * 12 + pm.exp_month - 1 between ${current} and ${current + 1}`) as unknown as Promise<
    Rows<{ tenantId: string; id: string }>
  >;
}

async function warnOne(tx: Tx, deps: Pick<JobDeps, 'config' | 'jobs'>, id: string): Promise<boolean> {
  const res = (await tx.execute(sql`
    select pm.tenant_id as "tenantId", pm.customer_id as "customerId",
      pm.stripe_payment_method_id as "stripeId", pm.brand, pm.last4,
      pm.exp_month as "expMonth", pm.exp_year as "expYear", c.email, c.preferred_locale as locale
    from payment_methods pm join customers c on c.id = pm.customer_id
    where pm.id = ${id} and pm.detached_at is null and not c.deleted`)) as unknown as Rows<{
    tenantId: string;
    customerId: string;
    stripeId: string;
    brand: string | null;
    last4: string | null;
    expMonth: number;
    expYear: number;
    email: string | null;
    locale: string | null;
  }>;
  const pm = res.rows[0];
  if (!pm) return false;
  const dedupKey = `card_expiring:${pm.stripeId}:${pm.expYear}-${String(pm.expMonth).padStart(2, '0')}`;
  const mail = {
    tenantId: pm.tenantId,
    customerId: pm.customerId,
    template: 'card_expiring',
    dedupKey,
  } as const;
  const updateUrl = await cardUpdateUrlFor(tx, deps.config, mail);
  const { created } = await emailCustomer(
    tx,
    { config: deps.config, enqueue: (queue, data) => deps.jobs().sendInTx(tx, queue, data) },
    {
      tenantId: pm.tenantId,
      template: 'card_expiring',
      to: pm.email,
      locale: pm.locale,
      dedupKey,
      data: {
        brand: pm.brand ?? 'card',
        last4: pm.last4 ?? '····',
        expMonth: pm.expMonth,
        expYear: pm.expYear,
        updateUrl,
      },
    },
  );
  return created;
}

/** Writes the expiring-card e-mails due at `now` (the maintenance job's run); returns how many were new. */
export async function warnExpiringCards(
  deps: Pick<JobDeps, 'db' | 'config' | 'jobs'>,
  now = new Date(),
): Promise<number> {
  const due = await withSystem(deps.db, 'notifications.reminder_scan', (tx) => expiringCards(tx, now));
  let made = 0;
  for (const d of due.rows)
    if (await withTenant(deps.db, d.tenantId, (tx) => warnOne(tx, deps, d.id))) made++;
  return made;
}

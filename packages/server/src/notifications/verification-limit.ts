import { sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.ts';
import { withSystem } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';

/**
 * A billing contact's verification link goes to an address outside the team, which anyone with
 * `tenants:write` may type: without a limit, the route would mail a stranger as often as it is called. Both
 * limits count the verification e-mails already in the outbox (docs/notifications.md#branding).
 */
export const VERIFICATION_LIMITS = {
  /** per tenant, whatever the address */
  tenant: { max: 3, windowSeconds: 3600 },
  /** per address, across every tenant (one stranger's mailbox) */
  address: { max: 5, windowSeconds: 86_400 },
} as const;

const TEMPLATE = 'billing_contact_verification';

interface Window {
  count: number;
  /** seconds until the oldest counted e-mail leaves the window */
  retryAfter: number;
}

function windowOf(rows: { n: number; oldest: string | Date | null }[], windowSeconds: number): Window {
  const row = rows[0] ?? { n: 0, oldest: null };
  const oldest = row.oldest ? new Date(row.oldest).getTime() : Date.now();
  return {
    count: Number(row.n),
    retryAfter: Math.max(1, Math.ceil((oldest + windowSeconds * 1000 - Date.now()) / 1000)),
  };
}

function refuse(what: string, retryAfter: number): ApiError {
  return new ApiError(
    'billing_contact_rate_limited',
    `Too many verification e-mails ${what}; try again in ${Math.ceil(retryAfter / 60)} minutes.`,
    { param: 'email', retryAfterSeconds: retryAfter },
  );
}

/** Refuses (429) a verification e-mail to an address that had its share today, from any tenant. */
export async function checkAddressLimit(db: Db, address: string): Promise<void> {
  const { max, windowSeconds } = VERIFICATION_LIMITS.address;
  const res = (await withSystem(db, 'notifications.verification_limit', (tx) =>
    tx.execute(sql`
      select count(*)::int as n, min(created_at) as oldest from notifications
      where template = ${TEMPLATE} and recipients @> array[${address}]::text[]
        and created_at > now() - make_interval(secs => ${windowSeconds})`),
  )) as unknown as { rows: { n: number; oldest: string | null }[] };
  const w = windowOf(res.rows, windowSeconds);
  if (w.count >= max) throw refuse('to this address', w.retryAfter);
}

/**
 * Refuses (429) one more verification e-mail from the tenant within the hour. Called after the tenant's row
 * is updated (locked) in the same transaction, so two requests at once are counted one after the other.
 */
export async function checkTenantLimit(tx: Tx, tenantId: string): Promise<void> {
  const { max, windowSeconds } = VERIFICATION_LIMITS.tenant;
  const res = (await tx.execute(sql`
    select count(*)::int as n, min(created_at) as oldest from notifications
    where tenant_id = ${tenantId} and template = ${TEMPLATE}
      and created_at > now() - make_interval(secs => ${windowSeconds})`)) as unknown as {
    rows: { n: number; oldest: string | null }[];
  };
  const w = windowOf(res.rows, windowSeconds);
  if (w.count >= max) throw refuse('from this workspace', w.retryAfter);
}

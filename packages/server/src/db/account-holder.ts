import { type SQL, sql } from 'drizzle-orm';

/**
 * The tenant holding a Stripe account, as SQL over an expression that names the account: the tenant whose
 * current (or last) account it is (`tenants.stripe_account_id`), else the last tenant that connected it, for
 * a replaced or disconnected account's events (refunds settling, disputes on its direct charges) are still
 * that tenant's. The one rule for "whose account is this": the webhook inbox and replay use it inside their
 * own statements, connect's accountHolder for one account. A query over the tables alone, so the webhook
 * pipeline and connect both use it without importing each other.
 */
export function accountHolderSql(account: SQL): SQL<string | null> {
  return sql`coalesce(
    (select t.id from tenants t where t.stripe_account_id = ${account}),
    (select c.tenant_id from connect_accounts c where c.stripe_account_id = ${account}
     order by c.disconnected_at is null desc, c.connected_at desc limit 1))`;
}

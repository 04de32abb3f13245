import { and, eq, gt, lte, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import { requireChargesEnabled } from '../../connect/service.ts';
import type { Db, Tx } from '../../db/client.ts';
import { cardUpdateLinks, customers } from '../../db/schema/index.ts';
import { withTenant } from '../../db/tenant.ts';
import { ApiError } from '../../http/errors.ts';
import { fromPublicId, toPublicId } from '../../http/ids.ts';
import { type CustomerEmail, customerEmailEnabled, notificationExists } from '../../notifications/service.ts';
import { insertAudit } from '../../scope/audit.ts';
import { randomToken, sha256 } from '../../secrets.ts';
import type { StripeRef } from '../../stripe/client.ts';
import { StripeFailure } from '../../stripe/gateway.ts';

// The "update your card" link of customer e-mails. Stripe's portal sessions expire within minutes, so an
// e-mail cannot carry one: it carries a Tributary link instead, which opens a fresh session when clicked.
// The token names its tenant (to open that tenant's row-level security) and a random part; only its sha256
// is stored, with the one customer it is for and its expiry. A tenant id that is not the token's own finds
// no row, so nothing in the URL is trusted beyond what a stored token vouches for.

/** How long an e-mailed link opens the page: a failed payment's or expiring card's e-mail is read late. */
export const CARD_UPDATE_LINK_DAYS = 30;

/** A new link for `customerId`, stored in the caller's transaction (the e-mail's). */
export async function cardUpdateUrl(
  tx: Tx,
  config: Config,
  link: { tenantId: string; customerId: string },
): Promise<string> {
  const token = `${toPublicId('tenant', link.tenantId)}.${randomToken(40)}`;
  await tx.insert(cardUpdateLinks).values({
    tenantId: link.tenantId,
    customerId: link.customerId,
    tokenHash: sha256(token),
    expiresAt: sql`now() + make_interval(days => ${CARD_UPDATE_LINK_DAYS})`,
  });
  return `${config.publicUrl}/billing/update_card?token=${token}`;
}

/** Forgets links past their expiry (the maintenance job, across tenants): they open nothing any more. */
export async function purgeExpiredCardLinks(tx: Tx): Promise<number> {
  const rows = await tx
    .delete(cardUpdateLinks)
    .where(lte(cardUpdateLinks.expiresAt, sql`now()`))
    .returning({ id: cardUpdateLinks.id });
  return rows.length;
}

/** The customer a live token is for, in its tenant; null for a forged, spent or expired one. */
async function customerOfToken(db: Db, token: string) {
  const [tenantPart] = token.split('.');
  const tenantId = tenantPart ? fromPublicId('tenant', tenantPart) : null;
  if (!tenantId || token.length > 200) return null;
  return withTenant(db, tenantId, async (tx) => {
    const [row] = await tx
      .select({ customer: customers })
      .from(cardUpdateLinks)
      .innerJoin(customers, eq(customers.id, cardUpdateLinks.customerId))
      .where(and(eq(cardUpdateLinks.tokenHash, sha256(token)), gt(cardUpdateLinks.expiresAt, sql`now()`)));
    if (!row || row.customer.deleted || !row.customer.stripeCustomerId) return null;
    let account: string | null = null;
    try {
      account = (await requireChargesEnabled(tx, tenantId)).stripeAccountId;
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    return { customer: row.customer, account };
  });
}

export type CardUpdateOutcome = { kind: 'ok'; url: string } | { kind: 'invalid' } | { kind: 'unavailable' };

/** Whether the link still opens the page (the page's GET: no Stripe call). */
export async function cardUpdateLinkValid(db: Db, token: string): Promise<boolean> {
  return (await customerOfToken(db, token)) !== null;
}

/**
 * The click: a Stripe customer portal session on the customer's account, limited to updating the payment
 * method. A link that is not live is `invalid`; a tenant whose account cannot take charges, or Stripe
 * failing, is `unavailable` (try later).
 */
export async function openCardUpdate(
  deps: { db: Db; stripe: StripeRef },
  token: string,
  requestId: string | null = null,
): Promise<CardUpdateOutcome> {
  const found = await customerOfToken(deps.db, token);
  if (!found) return { kind: 'invalid' };
  const { customer, account } = found;
  if (!account) return { kind: 'unavailable' };
  const session = await deps.stripe
    .call(
      {
        action: 'open the card update page',
        account: customer.stripeAccountId,
        movesMoney: false,
        purpose: 'portal_session',
        record: customer.id,
      },
      (stripe, opts) =>
        stripe.billingPortal.sessions.create(
          {
            customer: customer.stripeCustomerId!,
            // after the new card, a confirmation: Stripe's default is the portal's homepage, where whoever
            // holds the e-mailed link could cancel the customer's subscriptions or read their invoices
            flow_data: {
              type: 'payment_method_update',
              after_completion: {
                type: 'hosted_confirmation',
                hosted_confirmation: { custom_message: 'Your card was updated.' },
              },
            },
            // a platform customer (destination charges) sees the tenant's business on the page
            ...(customer.stripeAccountId ? {} : { on_behalf_of: account }),
          },
          opts,
        ),
    )
    .catch((e: unknown) => {
      if (e instanceof StripeFailure) return null;
      throw e;
    });
  if (!session) return { kind: 'unavailable' };
  // the tenant's audit log shows the customer's visit (nobody of the tenant acted)
  await withTenant(deps.db, customer.tenantId, (tx) =>
    insertAudit(tx, { kind: 'system', label: 'card update link' }, requestId, {
      tenantId: customer.tenantId,
      action: 'customer.card_update_opened',
      target: { kind: 'customer', id: customer.id },
      data: { customer: toPublicId('customer', customer.id) },
    }),
  );
  return { kind: 'ok', url: session.url };
}

/**
 * The link for a customer e-mail about to be written (`template`, `dedupKey`): none when the tenant does not
 * send that e-mail or it was written already, so a suppressed or repeated e-mail stores no link.
 */
export async function cardUpdateUrlFor(
  tx: Tx,
  config: Config,
  mail: { tenantId: string; customerId: string | null; template: CustomerEmail; dedupKey: string },
): Promise<string | null> {
  if (!mail.customerId) return null;
  if (!(await customerEmailEnabled(tx, mail.tenantId, mail.template))) return null;
  if (await notificationExists(tx, mail.tenantId, mail.dedupKey)) return null;
  return cardUpdateUrl(tx, config, { tenantId: mail.tenantId, customerId: mail.customerId });
}

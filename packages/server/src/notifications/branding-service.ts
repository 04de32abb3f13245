import { eq, sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { Db, Tx } from '../db/client.ts';
import { tenants } from '../db/schema/index.ts';
import { withTenant } from '../db/tenant.ts';
import { ApiError } from '../http/errors.ts';
import { fromPublicId } from '../http/ids.ts';
import type { Jobs } from '../jobs/define.ts';
import { inTenant, type TenantScope } from '../scope/tenant.ts';
import { randomToken, sha256 } from '../secrets.ts';
import { alertRecipients, tenantRowIn } from '../tenants/service.ts';
import {
  type Branding,
  brandingOf,
  checkAccentColor,
  checkBrandName,
  checkLogoUrl,
  effectiveReplyTo,
  fromHeaderFor,
  replyToOptions,
} from './branding.ts';
import { enqueueDocument, sendingFor } from './outbox.ts';
import { forgetOwnerBounce } from './repo.ts';
import { renderTemplate } from './templates/index.ts';
import { type EmailLocale, emailLocaleOf } from './templates/messages/index.ts';
import { checkAddressLimit, checkTenantLimit } from './verification-limit.ts';

/** How long a billing contact's verification link works. */
const VERIFY_TTL_HOURS = 48;

export interface BrandingView {
  branding: Branding;
  replyToOptions: string[];
  from: string;
  emailLocale: EmailLocale | null;
}

async function viewIn(tx: Tx, config: Config, tenantId: string): Promise<BrandingView> {
  const row = await tenantRowIn(tx, tenantId);
  if (!row) throw ApiError.notFound('tenant', tenantId);
  const branding = brandingOf(row);
  const members = await alertRecipients(tx, tenantId);
  return {
    branding: { ...branding, replyTo: effectiveReplyTo(branding, members) },
    replyToOptions: replyToOptions(branding, members),
    from: fromHeaderFor(config, branding.brandName) ?? config.email.from,
    emailLocale: emailLocaleOf(row.emailLocale),
  };
}

export function getBranding(scope: TenantScope): Promise<BrandingView> {
  return inTenant(scope, 'tenants:read', (tx) => viewIn(tx, scope.config, scope.tenantId));
}

export interface BrandingInput {
  brand_name?: string | null;
  logo_url?: string | null;
  accent_color?: string | null;
  reply_to?: string | null;
  email_locale?: EmailLocale | null;
}

/** The input's fields, checked; a field left out is unchanged (undefined). */
function checked(input: BrandingInput) {
  return {
    brandName: input.brand_name === undefined ? undefined : checkBrandName(input.brand_name),
    logoUrl: input.logo_url === undefined ? undefined : checkLogoUrl(input.logo_url),
    accentColor: input.accent_color === undefined ? undefined : checkAccentColor(input.accent_color),
  };
}

export function updateBranding(scope: TenantScope, input: BrandingInput): Promise<BrandingView> {
  const look = checked(input);
  return inTenant(scope, 'tenants:write', async (tx) => {
    const set: Partial<typeof tenants.$inferInsert> = {};
    if (look.brandName !== undefined) set.brandName = look.brandName;
    if (look.logoUrl !== undefined) set.brandLogoUrl = look.logoUrl;
    if (look.accentColor !== undefined) set.brandAccentColor = look.accentColor;
    if (input.email_locale !== undefined) set.emailLocale = input.email_locale;
    if (input.reply_to !== undefined) {
      const replyTo = input.reply_to === null || input.reply_to === '' ? null : input.reply_to.toLowerCase();
      if (replyTo !== null) {
        const row = (await tenantRowIn(tx, scope.tenantId))!;
        const allowed = replyToOptions(brandingOf(row), await alertRecipients(tx, scope.tenantId));
        if (!allowed.includes(replyTo))
          throw new ApiError(
            'reply_to_not_allowed',
            "Reply-To must be one of the workspace's owners' or admins' addresses, or its billing contact once verified.",
            { param: 'reply_to' },
          );
      }
      set.replyTo = replyTo;
    }
    if (Object.keys(set).length > 0) {
      await tx
        .update(tenants)
        .set({ ...set, updatedAt: sql`now()` })
        .where(eq(tenants.id, scope.tenantId));
      await scope.audit(tx, {
        action: 'tenant.branding_updated',
        target: { kind: 'tenant', id: scope.tenantId },
        data: { fields: Object.keys(input) },
      });
    }
    return viewIn(tx, scope.config, scope.tenantId);
  });
}

/**
 * The dispute alert as the tenant's owners would get it with the proposed look (unsaved fields take the
 * saved ones): rendered server-side through the same templates and layout.
 */
export function previewBranding(scope: TenantScope, input: Omit<BrandingInput, 'reply_to'>) {
  const { email_locale, ...rest } = input;
  const look = checked(rest);
  const override = Object.fromEntries(Object.entries(look).filter(([, v]) => v !== undefined));
  return inTenant(scope, 'tenants:read', async (tx) => {
    const sending = await sendingFor(tx, scope.config, scope.tenantId, email_locale ?? null, override);
    const rendered = await renderTemplate(
      'dispute_opened',
      {
        disputeId: 'dsp_preview',
        paymentId: 'pay_preview',
        amount: 4000,
        currency: 'usd',
        reason: 'fraudulent',
        evidenceDueBy: new Date(Date.now() + 7 * 86_400_000).toISOString(),
      },
      sending.ctx,
    );
    return { ...rendered, from: sending.fromHeader ?? scope.config.email.from, replyTo: sending.replyTo };
  });
}

/**
 * Sets (or, with null, removes) the billing contact. A new address is unverified until its owner opens the
 * single-use link e-mailed to it — through the outbox, like every e-mail — and cannot be Reply-To before.
 */
export async function setBillingContact(
  scope: TenantScope,
  jobs: Jobs,
  email: string | null,
): Promise<BrandingView> {
  const address = email?.toLowerCase() ?? null;
  // checked before the tenant's transaction: it counts every tenant's e-mails (PGlite has one connection)
  if (address) await checkAddressLimit(scope.db, address);
  return inTenant(scope, 'tenants:write', async (tx) => {
    const row = (await tenantRowIn(tx, scope.tenantId))!;
    const token = address ? randomToken(32) : null;
    const tokenHash = token ? sha256(token) : null;
    await tx
      .update(tenants)
      .set({
        billingContactEmail: address,
        billingContactVerifiedAt: null,
        billingContactTokenHash: tokenHash,
        billingContactTokenExpiresAt: address
          ? sql`now() + make_interval(hours => ${VERIFY_TTL_HOURS})`
          : null,
        // Reply-To was the old contact: it is no longer verified
        ...(row.replyTo && row.replyTo === row.billingContactEmail ? { replyTo: null } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(tenants.id, scope.tenantId));
    // the old contact's bounce no longer concerns the tenant
    if (row.billingContactEmail && row.billingContactEmail !== address)
      await forgetOwnerBounce(tx, scope.tenantId, row.billingContactEmail);
    if (address && token && tokenHash) {
      await checkTenantLimit(tx, scope.tenantId);
      const link = `${scope.config.publicUrl}/notifications/billing_contact/verify?tenant=${scope.publicId}&token=${token}`;
      await enqueueDocument(
        tx,
        { config: scope.config, enqueue: (queue, data) => jobs.sendInTx(tx, queue, data) },
        {
          tenantId: scope.tenantId,
          template: 'billing_contact_verification',
          recipients: [address],
          dedupKey: `billing_contact_verification:${tokenHash}`,
          build: (ctx) => {
            const m = ctx.m.billingContact;
            return {
              subject: m.subject(ctx.tenantName),
              preview: m.preview,
              brand: ctx.tenantName,
              blocks: [
                { kind: 'heading', text: m.heading },
                { kind: 'paragraph', text: m.body(ctx.tenantName, VERIFY_TTL_HOURS) },
                { kind: 'button', label: m.button, href: link },
                { kind: 'paragraph', text: m.ignore },
              ],
              footer: m.footer(ctx.tenantName),
            };
          },
        },
      );
    }
    await scope.audit(tx, {
      action: 'tenant.billing_contact_set',
      target: { kind: 'tenant', id: scope.tenantId },
      data: { email: address },
    });
    return viewIn(tx, scope.config, scope.tenantId);
  });
}

/**
 * The verification link: marks the billing contact verified when the token is this tenant's current one and
 * has not expired, and spends it. Answers where to send the browser.
 */
export async function verifyBillingContact(
  db: Db,
  config: Config,
  q: { tenant: string; token: string },
): Promise<string> {
  const tenantId = fromPublicId('tenant', q.tenant);
  const settings = (outcome: string) =>
    `${config.publicUrl}/tenants/${q.tenant}/settings?billing_contact=${outcome}`;
  if (!tenantId) return `${config.publicUrl}/?billing_contact=invalid`;
  const verified = await withTenant(db, tenantId, async (tx) => {
    const rows = await tx
      .update(tenants)
      .set({
        billingContactVerifiedAt: sql`now()`,
        billingContactTokenHash: null,
        billingContactTokenExpiresAt: null,
        updatedAt: sql`now()`,
      })
      .where(
        sql`${tenants.id} = ${tenantId} and ${tenants.billingContactTokenHash} = ${sha256(q.token)}
          and ${tenants.billingContactTokenExpiresAt} > now()`,
      )
      .returning({ id: tenants.id });
    return rows.length > 0;
  });
  return settings(verified ? 'verified' : 'invalid');
}

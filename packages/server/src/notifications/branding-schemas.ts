import { z } from 'zod';
import { unixTime } from '../http/schemas.ts';
import type { BrandingView } from './branding-service.ts';
import { emailLocales } from './templates/messages/index.ts';

// Lengths here only bound the body; the rules (header characters, https, #rrggbb) are checked by branding.ts
// with their own error codes.
export const brandingLook = {
  brand_name: z.string().max(1000).nullable().optional(),
  logo_url: z.string().max(100_000).nullable().optional(),
  accent_color: z.string().max(100).nullable().optional(),
};

export const brandingUpdateBody = z.strictObject({
  ...brandingLook,
  reply_to: z.string().max(254).nullable().optional(),
  /** the language of the owners' alerts, and of customer e-mails when Stripe knows none for the customer */
  email_locale: z.enum(emailLocales).nullable().optional(),
});

export const brandingPreviewBody = z.strictObject({
  ...brandingLook,
  /** the language to preview in (unsaved); else the tenant's */
  email_locale: z.enum(emailLocales).nullable().optional(),
});

export const billingContactBody = z.strictObject({ email: z.email().max(254).nullable() });

export const verifyQuery = z.object({
  tenant: z.string().max(100).default(''),
  token: z.string().max(200).default(''),
});

export const brandingSchema = z.object({
  object: z.literal('branding'),
  brand_name: z.string().nullable(),
  logo_url: z.string().nullable(),
  accent_color: z.string().nullable(),
  reply_to: z.string().nullable(),
  /** the addresses Reply-To may be set to: owners, admins, the verified billing contact */
  reply_to_options: z.array(z.string()),
  billing_contact: z
    .object({ email: z.string(), verified: z.boolean(), verified_at: z.number().int().nullable() })
    .nullable(),
  /** the From header of the tenant's e-mails with this branding */
  from: z.string(),
  /** `en`, `fr` or `de`; null: English */
  email_locale: z.enum(emailLocales).nullable(),
});

export function toApiBranding(v: BrandingView): z.infer<typeof brandingSchema> {
  const b = v.branding;
  return {
    object: 'branding',
    brand_name: b.brandName,
    logo_url: b.logoUrl,
    accent_color: b.accentColor,
    reply_to: b.replyTo,
    reply_to_options: v.replyToOptions,
    billing_contact: b.billingContactEmail
      ? {
          email: b.billingContactEmail,
          verified: b.billingContactVerifiedAt !== null,
          verified_at: unixTime(b.billingContactVerifiedAt),
        }
      : null,
    from: v.from,
    email_locale: v.emailLocale,
  };
}

export const brandingPreviewSchema = z.object({
  object: z.literal('email_preview'),
  from: z.string(),
  reply_to: z.string().nullable(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
});

import { type Config, parseMailbox } from '../config.ts';
import { ApiError } from '../http/errors.ts';
import type { TenantRow } from '../tenants/service.ts';
import type { EmailStyle } from './templates/index.ts';

/** How a tenant's e-mails look and answer: kept on the tenant, checked when saved. */
export interface Branding {
  brandName: string | null;
  logoUrl: string | null;
  accentColor: string | null;
  replyTo: string | null;
  billingContactEmail: string | null;
  billingContactVerifiedAt: Date | null;
}

export function brandingOf(row: TenantRow): Branding {
  return {
    brandName: row.brandName,
    logoUrl: row.brandLogoUrl,
    accentColor: row.brandAccentColor,
    replyTo: row.replyTo,
    billingContactEmail: row.billingContactEmail,
    billingContactVerifiedAt: row.billingContactVerifiedAt,
  };
}

export const BRAND_NAME_MAX = 64;
/** A `data:` logo is carried inside every e-mail: kept small. */
export const DATA_LOGO_MAX = 48 * 1024;

/**
 * The From display part: words only. No address (`@`), nothing that could end the display part or the
 * header (`<`, `>`, quotes, backslash, CR/LF and every other control character), nothing invisible, within
 * the length limit.
 */
export function checkBrandName(v: string | null): string | null {
  if (v === null) return null;
  const name = v.trim().replace(/ {2,}/g, ' ');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  const forbidden = /[\u0000-\u001f\u007f-\u009f\u2028\u2029<>@"'`\\,;:]/;
  // invisible and reordering characters (bidi overrides, zero-width, blank look-alikes) can hide the rest of
  // the From line in an inbox: only a plain space separates words
  const invisible = /[\p{Cf}\u2800\u3164\uffa0]|(?! )\p{Zs}/u;
  if (name === '' || name.length > BRAND_NAME_MAX || forbidden.test(name) || invisible.test(name))
    throw new ApiError(
      'brand_name_invalid',
      `The display name must be 1 to ${BRAND_NAME_MAX} characters, with no e-mail address, quotes, angle brackets, commas, colons, semicolons, backslashes, line breaks or invisible characters.`,
      { param: 'brand_name' },
    );
  return name;
}

/** An https URL, or a small `data:` PNG, JPEG, GIF or WebP image (never SVG, which can carry scripts). */
export function checkLogoUrl(v: string | null): string | null {
  if (v === null || v === '') return null;
  const refuse = (why: string) => new ApiError('logo_url_invalid', why, { param: 'logo_url' });
  if (v.startsWith('data:')) {
    if (!/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/.test(v))
      throw refuse('A data: logo must be a base64 PNG, JPEG, GIF or WebP image.');
    if (v.length > DATA_LOGO_MAX)
      throw refuse(`A data: logo may be at most ${DATA_LOGO_MAX} characters; link a larger one over https.`);
    return v;
  }
  if (v.length > 2048 || !URL.canParse(v) || new URL(v).protocol !== 'https:' || /[\s"'<>]/.test(v))
    throw refuse('The logo must be an https:// URL or a small data: image.');
  return v;
}

export function checkAccentColor(v: string | null): string | null {
  if (v === null || v === '') return null;
  if (!/^#[0-9a-fA-F]{6}$/.test(v))
    throw new ApiError('accent_color_invalid', 'The accent colour must be #rrggbb.', {
      param: 'accent_color',
    });
  return v.toLowerCase();
}

/**
 * The From header of the tenant's e-mails: `"Acme via Platform" <EMAIL_FROM's address>`. The address is
 * always EMAIL_FROM's; null (EMAIL_FROM as configured) when the tenant set no display name.
 */
export function fromHeaderFor(config: Config, brandName: string | null): string | null {
  if (!brandName) return null;
  const from = parseMailbox(config.email.from)!;
  const platform = (from.name ?? from.address.split('@')[1]!).replace(/["\\\r\n]/g, '');
  return `"${brandName} via ${platform}" <${from.address}>`;
}

export function styleOf(b: Pick<Branding, 'logoUrl' | 'accentColor'>): EmailStyle {
  return { logoUrl: b.logoUrl, accentColor: b.accentColor };
}

/**
 * The addresses Reply-To may be: the tenant's owners and admins (`members`, lower-cased), and the billing
 * contact once verified by its link. Never an arbitrary address.
 */
export function replyToOptions(b: Branding, members: string[]): string[] {
  const out = [...members];
  if (b.billingContactEmail && b.billingContactVerifiedAt) out.push(b.billingContactEmail.toLowerCase());
  return [...new Set(out)];
}

/** The stored Reply-To if it is still allowed (a member may have left since), else none. */
export function effectiveReplyTo(b: Branding, members: string[]): string | null {
  return b.replyTo && replyToOptions(b, members).includes(b.replyTo) ? b.replyTo : null;
}

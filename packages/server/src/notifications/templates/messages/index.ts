import { de } from './de.ts';
import { en, type Messages } from './en.ts';
import { fr } from './fr.ts';

export type { Messages } from './en.ts';

/** The languages e-mails are written in; anything else falls back to English. */
export const emailLocales = ['en', 'fr', 'de'] as const;
export type EmailLocale = (typeof emailLocales)[number];

const catalogues: Record<EmailLocale, Messages> = { en, fr, de };

/**
 * The e-mail language for a BCP 47 tag (`fr-CA` → `fr`, Stripe's `preferred_locales` entries included), or
 * null when it is none we write in.
 */
export function emailLocaleOf(tag: string | null | undefined): EmailLocale | null {
  const language = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return (emailLocales as readonly string[]).includes(language ?? '') ? (language as EmailLocale) : null;
}

export function messagesFor(locale: string): Messages {
  return catalogues[emailLocaleOf(locale) ?? 'en'];
}

import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { path } from './path';

// A tenant's e-mail branding (docs/notifications.md#branding).
export interface Branding {
  object: 'branding';
  brand_name: string | null;
  logo_url: string | null;
  accent_color: string | null;
  reply_to: string | null;
  reply_to_options: string[];
  billing_contact: { email: string; verified: boolean; verified_at: number | null } | null;
  /** the From header of the tenant's e-mails */
  from: string;
  /** the language of owner alerts (and customer e-mails when Stripe knows none): en, fr, de; null: English */
  email_locale: EmailLocale | null;
}

export type EmailLocale = 'en' | 'fr' | 'de';

export interface BrandingLook {
  brand_name?: string | null;
  logo_url?: string | null;
  accent_color?: string | null;
  email_locale?: EmailLocale | null;
}

export interface EmailPreview {
  object: 'email_preview';
  from: string;
  reply_to: string | null;
  subject: string;
  html: string;
  text: string;
}

const keys = {
  branding: (tenantId: string) => ['tenants', tenantId, 'branding'] as const,
  preview: (tenantId: string, look: BrandingLook) =>
    ['tenants', tenantId, 'branding', 'preview', look] as const,
};

export function useBranding(tenantId: string) {
  return useQuery({
    queryKey: keys.branding(tenantId),
    queryFn: () => api<Branding>(path`/v1/tenants/${tenantId}/branding`),
  });
}

/** The dispute alert rendered by the server with `look` (not saved). */
export function useBrandingPreview(tenantId: string, look: BrandingLook) {
  return useQuery({
    queryKey: keys.preview(tenantId, look),
    queryFn: () =>
      api<EmailPreview>(path`/v1/tenants/${tenantId}/branding/preview`, { method: 'POST', body: look }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useUpdateBranding(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BrandingLook & { reply_to?: string | null; email_locale?: EmailLocale | null }) =>
      api<Branding>(path`/v1/tenants/${tenantId}/branding`, { method: 'POST', body }),
    onSuccess: (b) => queryClient.setQueryData(keys.branding(tenantId), b),
  });
}

export function useSetBillingContact(tenantId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (email: string | null) =>
      api<Branding>(path`/v1/tenants/${tenantId}/billing_contact`, { method: 'POST', body: { email } }),
    onSuccess: (b) => queryClient.setQueryData(keys.branding(tenantId), b),
  });
}

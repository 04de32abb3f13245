import type { Config } from '../../config.ts';
import { toPublicId } from '../../http/ids.ts';

/**
 * Where a dunning e-mail sends the tenant to pay: the recovery page with its signed token, or, without one,
 * the dashboard's billing page (which needs a sign-in).
 */
export function recoveryUrl(config: Config, tenantId: string, token?: string): string {
  if (token) return `${config.publicUrl}/recover/${encodeURIComponent(token)}`;
  return `${config.publicUrl}/tenants/${toPublicId('tenant', tenantId)}/billing`;
}

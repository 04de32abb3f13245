// Account links: single-use, 300 s, to the hosted onboarding page; `refresh_url` when expired or reused.
import type { Router } from '../router.ts';
import { invalidRequest } from '../wire/errors.ts';
import { nowSeconds, randomString } from '../wire/ids.ts';
import { any, enm, hash, str, validate } from '../wire/schema.ts';
import { requireAccount } from './accounts.ts';

export interface AccountLinkRec {
  account: string;
  type: string;
  refresh_url: string;
  return_url: string;
  expires_at: number;
  used: boolean;
}

export function registerAccountLinks(r: Router): void {
  r.post('/v1/account_links', (ctx) => {
    const p = validate(
      {
        account: str,
        type: enm('account_onboarding', 'account_update'),
        refresh_url: str,
        return_url: str,
        collect: enm('currently_due', 'eventually_due'),
        collection_options: hash,
        expand: any,
      },
      ctx.params,
      ['account', 'type'],
    );
    const acct = requireAccount(ctx, String(p.account));
    if (p.type === 'account_update') {
      const dashboard = acct.controller.stripe_dashboard?.type;
      if (dashboard !== 'none') {
        throw invalidRequest(
          'You cannot create `account_update` type Account Links for accounts with access to a Stripe-hosted ' +
            'Dashboard. Use `account_onboarding` instead.',
          'type',
        );
      }
    }
    const urls = { refresh_url: p.refresh_url, return_url: p.return_url };
    for (const [k, v] of Object.entries(urls)) {
      if (!v) throw invalidRequest(`Missing required param: ${k}.`, k, 'parameter_missing');
      try {
        new URL(v);
      } catch {
        throw invalidRequest(`Not a valid URL`, k, 'url_invalid');
      }
    }
    const created = nowSeconds();
    const token = randomString(24);
    ctx.app.store.table<AccountLinkRec>('account_links').set(token, {
      account: acct.id,
      type: p.type,
      refresh_url: String(p.refresh_url),
      return_url: String(p.return_url),
      expires_at: created + 300,
      used: false,
    });
    return {
      object: 'account_link',
      created,
      expires_at: created + 300,
      url: `${ctx.app.config.publicUrl}/setup/s/${acct.id}/${token}`,
    };
  });
}

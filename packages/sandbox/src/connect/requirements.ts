// Account requirements that change as onboarding proceeds (SANDBOX-NOTES §4 Account): every item the
// account has not provided is currently due; with nothing due the requested capabilities become active
// and charges/payouts are enabled.
import type { Ctx } from '../app.ts';
import { changes, emit } from '../events.ts';
import type { Account, Capability, Requirements } from '../objects/connect.ts';

export interface AccountInfo {
  provided: string[];
  submitted: boolean;
  rejected: string | null;
}

const COMMON = [
  'business_profile.mcc',
  'business_profile.url',
  'business_type',
  'external_account',
  'tos_acceptance.date',
  'tos_acceptance.ip',
];
const INDIVIDUAL = [
  'individual.address.city',
  'individual.address.line1',
  'individual.address.postal_code',
  'individual.address.state',
  'individual.dob.day',
  'individual.dob.month',
  'individual.dob.year',
  'individual.email',
  'individual.first_name',
  'individual.last_name',
  'individual.phone',
  'individual.ssn_last_4',
];
const COMPANY = [
  'company.address.city',
  'company.address.line1',
  'company.address.postal_code',
  'company.address.state',
  'company.name',
  'company.phone',
  'company.tax_id',
  'representative.first_name',
  'representative.last_name',
];

export function infoTable(ctx: Ctx) {
  return ctx.app.store.table<AccountInfo>('account_info');
}

export function infoOf(ctx: Ctx, id: string): AccountInfo {
  let info = infoTable(ctx).get(id);
  if (!info) {
    info = { provided: [], submitted: false, rejected: null };
    infoTable(ctx).set(id, info);
  }
  return info;
}

export function requiredFor(acct: Account): string[] {
  const company = acct.business_type === 'company' || acct.business_type === 'non_profit';
  return [...COMMON, ...(company ? COMPANY : INDIVIDUAL)].sort();
}

/** Flatten params like `individual[dob][day]` into requirement names; `id_number` also covers ssn_last_4. */
export function providedFrom(params: object, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') continue;
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && !Array.isArray(v) && k !== 'external_account')
      out.push(...providedFrom(v, key));
    else out.push(key);
  }
  for (const who of ['individual', 'representative']) {
    if (out.includes(`${who}.id_number`)) out.push(`${who}.ssn_last_4`);
  }
  return out;
}

function reqs(due: string[], disabled: string | null): Requirements {
  return {
    alternatives: [],
    current_deadline: null,
    currently_due: due,
    disabled_reason: disabled,
    errors: [],
    eventually_due: due,
    past_due: due,
    pending_verification: [],
  };
}

export function emptyRequirements() {
  return reqs([], null);
}

/** Recompute requirements, capabilities and flags; emit account.updated / capability.updated on change. */
/** What recompute changes, for `account.updated`'s previous attributes. */
function accountStatus(acct: Account) {
  return {
    charges_enabled: acct.charges_enabled,
    payouts_enabled: acct.payouts_enabled,
    details_submitted: acct.details_submitted,
    requirements: acct.requirements,
    capabilities: acct.capabilities,
  };
}

export function recompute(ctx: Ctx, acct: Account, emitEvents = true): void {
  const info = infoOf(ctx, acct.id);
  const before = accountStatus(acct);
  const have = new Set(info.provided);
  const due = info.rejected ? [] : requiredFor(acct).filter((f) => !have.has(f));
  const done = due.length === 0 && !info.rejected;
  const caps = acct.capabilities;
  const nextCaps: Record<string, string> = {};
  for (const k of Object.keys(caps)) nextCaps[k] = done ? 'active' : 'inactive';
  acct.capabilities = nextCaps;
  acct.requirements = reqs(
    due,
    info.rejected ? `rejected.${info.rejected}` : due.length ? 'requirements.past_due' : null,
  );
  acct.details_submitted = info.submitted || done;
  acct.charges_enabled = done && (nextCaps.card_payments === 'active' || nextCaps.transfers === 'active');
  acct.payouts_enabled = done;
  ctx.app.store.changed();
  if (!emitEvents) return;
  const prev = changes(before, accountStatus(acct));
  if (!Object.keys(prev).length) return;
  emit(ctx, 'account.updated', acct, { owner: acct.id, previous: prev });
  const oldCaps = before.capabilities;
  for (const [name, status] of Object.entries(nextCaps)) {
    if (oldCaps[name] !== status) {
      emit(ctx, 'capability.updated', capabilityObject(acct, name), {
        owner: acct.id,
        previous: { status: oldCaps[name] },
      });
    }
  }
}

export function capabilityObject(acct: Account, name: string): Capability {
  const status = acct.capabilities[name] ?? 'unrequested';
  const r = acct.requirements;
  return {
    id: name,
    object: 'capability',
    account: acct.id,
    future_requirements: emptyRequirements(),
    requested: status !== 'unrequested',
    requested_at: status !== 'unrequested' ? acct.created : null,
    requirements: status === 'active' ? emptyRequirements() : r,
    status,
  };
}

/** The test values of SANDBOX-NOTES §3 that complete onboarding. */
export const TEST_VALUES = {
  routing: '110000000',
  account: '000123456789',
  ssn: '000-00-0000',
  dob: '1901-01-01',
  phone: '0000000000',
  line1: 'address_full_match',
};

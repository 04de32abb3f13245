// Stripe's requirement codes and disabled reasons in plain words, for the status API and the dashboard.

const exact: Record<string, string> = {
  business_type: 'Business type (individual or company)',
  external_account: 'Bank account for payouts',
  'tos_acceptance.date': "Accept Stripe's terms of service",
  'tos_acceptance.ip': "Accept Stripe's terms of service",
  'business_profile.url': 'Business website',
  'business_profile.mcc': 'Industry',
  'business_profile.product_description': 'Description of what the business sells',
  'individual.ssn_last_4': 'Last 4 digits of Social Security number',
  'individual.id_number': 'Government ID number',
  'individual.verification.document': 'Identity document',
  'company.tax_id': 'Company tax ID (EIN)',
  'company.name': 'Company name',
  'company.phone': 'Company phone number',
};

const words: Record<string, string> = {
  individual: 'Your',
  representative: "Representative's",
  company: 'Company',
  business_profile: 'Business',
  first_name: 'first name',
  last_name: 'last name',
  dob: 'date of birth',
  email: 'email',
  phone: 'phone number',
  address: 'address',
};

/** One requirement code in plain words; dotted paths fold their detail (`individual.dob.day` → date of birth). */
export function describeRequirement(code: string): string {
  if (exact[code]) return exact[code];
  const parts = code.split('.');
  const [owner, field] = parts;
  if (owner && field && words[owner] && words[field]) return `${words[owner]} ${words[field]}`;
  if (owner?.startsWith('person_'))
    return `Details of a business owner or director (${parts.slice(1).join(' ')})`;
  return code.replaceAll('.', ' ').replaceAll('_', ' ');
}

const reasons: Record<string, string> = {
  'requirements.past_due': 'Required information is overdue, so Stripe has paused this account.',
  'requirements.pending_verification': 'Stripe is verifying the information provided.',
  'requirements.incomplete': 'Onboarding is not finished yet.',
  listed: 'The account is on a restricted list and is under review.',
  under_review: 'Stripe is reviewing the account.',
  'rejected.fraud': 'Stripe rejected the account (suspected fraud).',
  'rejected.terms_of_service': 'Stripe rejected the account (terms of service violation).',
  'rejected.listed': 'Stripe rejected the account (restricted list).',
  'rejected.other': 'Stripe rejected the account.',
  platform_paused: 'The platform paused this account.',
  other: 'Stripe restricted the account.',
};

export function describeDisabledReason(code: string | null): string | null {
  if (!code) return null;
  return (
    reasons[code] ?? (code.startsWith('rejected') ? 'Stripe rejected the account.' : `Restricted: ${code}`)
  );
}

/** Requirement codes → unique plain-word entries, keeping the codes for programs. */
export function describeAll(codes: readonly string[]): { code: string; description: string }[] {
  const seen = new Set<string>();
  const out: { code: string; description: string }[] = [];
  for (const code of codes) {
    const description = describeRequirement(code);
    if (seen.has(description)) continue;
    seen.add(description);
    out.push({ code, description });
  }
  return out;
}

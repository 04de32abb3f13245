// Wire types of the Tributary API (docs/api.md; the full reference is /openapi.json). Timestamps are unix
// seconds.

/** `support` (issue 23): reads customers and their money, nothing else. */
export type Role = 'owner' | 'admin' | 'member' | 'support';

export interface ApiErrorBody {
  error: {
    type: string;
    code: string;
    message: string;
    param?: string | null;
    request_id?: string | null;
  };
}

export interface List<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export interface ListParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
}

export interface User {
  id: string;
  email: string;
  name: string | null;
}

export interface Session {
  object: 'session';
  /** operator_role `support`: an operator's support user, reading every tenant and changing nothing */
  user: User & { is_operator: boolean; operator_role: 'operator' | 'support' | null };
  memberships: { tenant: { id: string; name: string }; role: Role }[];
  csrf_token: string;
}

export interface Tenant {
  id: string;
  object: 'tenant';
  name: string;
  external_id: string | null;
  metadata: Record<string, string>;
  settings: { support_email: string | null; default_currency: string | null };
  status?: 'active' | 'suspended';
  created: number;
  /** the tenant's plan with the platform and its billing state (the operator's list only) */
  billing?: { plan: PlanRef | null; state: BillingState };
}

/** A plan of the platform, as a tenant's billing names it. */
export interface PlanRef {
  id: string;
  lookup_key: string;
  name: string;
}

export type BillingState = 'active' | 'trialing' | 'past_due' | 'warning' | 'suspended';

export interface TenantCreateParams {
  name: string;
  external_id?: string;
  metadata?: Record<string, string>;
}

export interface TenantUpdateParams {
  name?: string;
  settings?: { support_email?: string | null; default_currency?: string };
}

export interface Member {
  object: 'member';
  user: User;
  role: Role;
  created: number;
}

/** Carries the e-mail as given, never the account's id or name (whether it existed stays private). */
export interface DashboardLink {
  object: 'dashboard_link';
  url: string;
  expires_at: number;
  email: string;
  role: Role;
}

/** A team invitation: a sign-in link valid for days; `url` only in the answer that made it. */
export interface Invitation {
  object: 'invitation';
  id: string;
  url?: string;
  email: string | null;
  role: Role;
  expires_at: number;
  created?: number;
}

export type ApiKeyType = 'secret' | 'restricted';

export interface ApiKey {
  id: string;
  object: 'api_key';
  name: string;
  type: ApiKeyType;
  prefix: string;
  scopes: string[];
  tenant: string | null;
  last_used_at: number | null;
  revoked_at: number | null;
  created: number;
}

export interface ApiKeyWithSecret extends ApiKey {
  secret: string;
}

export interface ApiKeyCreateParams {
  name: string;
  type: ApiKeyType;
  scopes?: string[];
}

export interface AuditEntry {
  id: string;
  object: 'audit_entry';
  action: string;
  actor: { type: 'user' | 'api_key' | 'platform' | 'system'; id: string | null; label: string | null };
  target: string | null;
  data: Record<string, unknown> | null;
  created: number;
}

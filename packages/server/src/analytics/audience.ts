// Whose figures an analytics request reads. Under /v1/tenants/:id/analytics the tenant in the path; under
// /v1/analytics the platform's for the platform (the operator, a platform key), and for a key bound to one
// tenant that tenant's own — it can never read the platform's or another tenant's.
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../context.ts';
import { ApiError } from '../http/errors.ts';
import { toPublicId } from '../http/ids.ts';
import { ctxOf, type RouteDeps, scopeOf } from '../http/routing.ts';
import { tenantParams } from '../http/schemas.ts';
import { isPlatform } from '../scope/actor.ts';
import { type TenantScope, tenantScope } from '../scope/tenant.ts';
import { platformCustomerNames, tenantCustomerNames } from './drilldown-names.ts';
import { platformFeeReport, type ReportQuery, tenantFeeReport } from './fee-report.ts';
import type { ReportRange } from './report.ts';
import {
  platformMrrHistory,
  platformMrrSeries,
  platformReportTime,
  tenantMrrHistory,
  tenantMrrSeries,
  tenantReportTime,
} from './service.ts';

/**
 * Where each report is served, and who may call it there: the platform's figures for the platform (and a
 * tenant's own for a key bound to it) under /v1/analytics, a tenant's under /v1/tenants/:id/analytics.
 */
export const analyticsPrefixes = [
  { prefix: '/v1/analytics', access: { ownTenants: 'analytics:read' as const }, params: {} },
  {
    prefix: '/v1/tenants/:id/analytics',
    access: { tenant: 'analytics:read' as const },
    params: { params: tenantParams },
  },
];

export type Audience =
  | { kind: 'platform'; ctx: Ctx; tenant: null }
  | { kind: 'tenant'; scope: TenantScope; tenant: string };

/**
 * The audience of a request to a route declaring `{ tenant: 'analytics:read' }` (with `:id`) or
 * `{ ownTenants: 'analytics:read' }` (without), which has already checked the scope.
 */
export function audienceOf(req: FastifyRequest, deps: RouteDeps): Audience {
  if ((req.params as { id?: string }).id !== undefined) {
    const scope = scopeOf(req, deps);
    return { kind: 'tenant', scope, tenant: scope.publicId };
  }
  const ctx = ctxOf(req, deps);
  if (isPlatform(ctx.actor)) return { kind: 'platform', ctx, tenant: null };
  if (ctx.actor.kind === 'api_key' && ctx.actor.tenantId !== null) {
    const tenantId = ctx.actor.tenantId as TenantScope['tenantId'];
    const scope = tenantScope(ctx, tenantId, toPublicId('tenant', tenantId));
    return { kind: 'tenant', scope, tenant: scope.publicId };
  }
  throw new ApiError(
    'analytics_tenant_required',
    "Name the tenant whose figures you want: GET /v1/tenants/{id}/analytics/… (a tenant's key may leave it out).",
  );
}

/** The head every answer starts with: whose figures these are. */
export const headOf = (a: Audience) => ({ scope: a.kind, tenant: a.tenant });

/** The instant the audience's reports are as of (service.ts, tenantReportTime). */
export const reportTimeOf = (a: Audience) =>
  a.kind === 'platform' ? platformReportTime(a.ctx) : tenantReportTime(a.scope);

/** The audience's MRR history, changes before `to`. */
export const historyOf = (a: Audience, to?: Date) =>
  a.kind === 'platform' ? platformMrrHistory(a.ctx, to) : tenantMrrHistory(a.scope, to);

/** The audience's figures of a range, from its snapshots, the range given the report's clock. */
export const mrrSeriesOf = <R extends ReportRange>(a: Audience, rangeOf: (clock: Date) => R) =>
  a.kind === 'platform' ? platformMrrSeries(a.ctx, rangeOf) : tenantMrrSeries(a.scope, rangeOf);

/** Who the drill-down's customers are: tenants (platform) or mirrored customers (tenant). */
export const customerNamesOf = (a: Audience, customers: string[]) =>
  a.kind === 'platform' ? platformCustomerNames(a.ctx, customers) : tenantCustomerNames(a.scope, customers);

/** The audience's fee report. */
export const feeReportOf = (a: Audience, q: ReportQuery) =>
  a.kind === 'platform' ? platformFeeReport(a.ctx, q) : tenantFeeReport(a.scope, q);

import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { sendCsv, wantsCsv } from '../http/csv.ts';
import { ApiError } from '../http/errors.ts';
import type { RouteDeps, RouteModule } from '../http/routing.ts';
import { errorResponses, unixTime } from '../http/schemas.ts';
import {
  type Audience,
  analyticsPrefixes,
  audienceOf,
  feeReportOf,
  historyOf,
  mrrSeriesOf,
} from './audience.ts';
import { platformDefinitions, tenantDefinitions } from './fee-schemas.ts';
import { addMonths, monthOf, monthStart } from './months.ts';
import { parseRange, type RangeQuery } from './range.ts';
import { retentionBetween } from './ratios.ts';
import { apiRatio, periodLabel } from './report.ts';
import {
  retentionCsvColumns,
  retentionCsvRows,
  summaryCsvColumns,
  summaryCsvRows,
  summaryRows,
} from './summary.ts';
import {
  retentionDefinitions,
  retentionQuery,
  retentionResult,
  summaryDefinitions,
  summaryQuery,
  summaryResult,
} from './summary-schemas.ts';

// GET …/analytics/summary and …/analytics/retention (docs/analytics.md, "API"), for the platform under
// /v1/analytics (a tenant's own key there reads its own figures) and for a tenant under
// /v1/tenants/:id/analytics. Read-only.

const tags = ['analytics'];

/** How many months before the month the summary's LTV averages the churn rate over. */
const LTV_MONTHS = 6;

async function summary(a: Audience, q: z.infer<typeof summaryQuery>) {
  const currency = q.currency?.toLowerCase();
  const only = currency ? { currency } : {};
  // the month, and the range ending with it, from the report's clock in the snapshot read that gives it
  let month = '';
  const { periods, clock: now } = await mrrSeriesOf(a, (clock) => {
    month = q.month ?? monthOf(clock);
    if (monthStart(month) > clock)
      throw new ApiError('analytics_range_invalid', 'Invalid month: it is in the future.', {
        param: 'month',
      });
    return {
      from: monthStart(addMonths(month, -LTV_MONTHS)),
      to: monthStart(addMonths(month, 1)),
      unit: 'month' as const,
      ...only,
    };
  });
  const previous = addMonths(month, -1);
  const fees = await feeReportOf(a, { from: previous, to: month, ...only });
  return {
    object: 'analytics.summary' as const,
    scope: a.kind,
    tenant: a.tenant,
    month,
    previous_month: previous,
    as_of: unixTime(now) as number,
    data: summaryRows({
      audience: a.kind,
      metrics: periods,
      fees: fees.figures,
      month: monthStart(month),
      previous: monthStart(previous),
      monthLabel: month,
      previousLabel: previous,
      ...only,
    }),
    definitions: {
      ...summaryDefinitions,
      ...(a.kind === 'platform' ? platformDefinitions : tenantDefinitions),
    },
  };
}

async function retention(a: Audience, q: RangeQuery) {
  const { periods, range, clock: now } = await mrrSeriesOf(a, (clock) => parseRange(q, clock));
  const history = await historyOf(a, range.to);
  const ranged = retentionBetween(history, range);
  const currencies = [
    ...new Set([...periods.map((p) => p.currency), ...ranged.map((r) => r.currency)]),
  ].sort();
  return {
    object: 'analytics.retention' as const,
    scope: a.kind,
    tenant: a.tenant,
    interval: range.unit,
    from: unixTime(range.from) as number,
    to: unixTime(range.to) as number,
    as_of: unixTime(now) as number,
    data: currencies.map((currency) => {
      const r = ranged.find((x) => x.currency === currency);
      return {
        currency,
        periods: periods
          .filter((p) => p.currency === currency)
          .map((p) => ({
            period: periodLabel(p.start, range.unit),
            start: unixTime(p.start) as number,
            end: unixTime(p.end) as number,
            mrr_start: p.startMrr,
            paying_start: p.payingAtStart,
            churned: p.churnedCustomers.total,
            churned_voluntary: p.churnedCustomers.voluntary,
            churned_involuntary: p.churnedCustomers.involuntary,
            nrr: apiRatio(p.nrr),
            grr: apiRatio(p.grr),
            gross_mrr_churn: apiRatio(p.grossMrrChurn),
            net_mrr_churn: apiRatio(p.netMrrChurn),
            customer_churn: apiRatio(p.customerChurn),
            customer_churn_voluntary: apiRatio(p.customerChurnVoluntary),
            customer_churn_involuntary: apiRatio(p.customerChurnInvoluntary),
          })),
        range: {
          customers_start: r?.customersStart ?? 0,
          customers_retained: r?.customersRetained ?? 0,
          mrr_start: r?.mrrStart ?? 0,
          mrr_end: r?.mrrEnd ?? 0,
          mrr_kept: r?.mrrKept ?? 0,
          nrr: apiRatio(r?.nrr ?? null),
          grr: apiRatio(r?.grr ?? null),
          customer_retention: apiRatio(r?.customerRetention ?? null),
        },
      };
    }),
    definitions: retentionDefinitions,
  };
}

export const summaryRoutes: RouteModule = (app, deps: RouteDeps) => {
  for (const { prefix, access, params } of analyticsPrefixes) {
    // GET …/analytics/summary — the month's headline figures against the month before, per currency
    app.get(
      `${prefix}/summary`,
      {
        config: { access },
        schema: {
          tags,
          ...params,
          querystring: summaryQuery,
          response: { 200: summaryResult, ...errorResponses },
        },
      },
      async (req, reply: FastifyReply) => {
        const body = await summary(audienceOf(req, deps), req.query as z.infer<typeof summaryQuery>);
        reply.header('cache-control', 'no-store');
        if (wantsCsv(req))
          return sendCsv(
            reply,
            `summary-${body.tenant ?? 'platform'}-${body.month}.csv`,
            summaryCsvColumns,
            summaryCsvRows(body.data),
          );
        return body;
      },
    );

    // GET …/analytics/retention — NRR, GRR and churn per period, and retention over the whole range
    app.get(
      `${prefix}/retention`,
      {
        config: { access },
        schema: {
          tags,
          ...params,
          querystring: retentionQuery,
          response: { 200: retentionResult, ...errorResponses },
        },
      },
      async (req, reply: FastifyReply) => {
        const body = await retention(audienceOf(req, deps), req.query as RangeQuery);
        reply.header('cache-control', 'no-store');
        if (wantsCsv(req))
          return sendCsv(
            reply,
            `retention-${body.tenant ?? 'platform'}.csv`,
            retentionCsvColumns,
            retentionCsvRows(body.data),
          );
        return body;
      },
    );
  }
};

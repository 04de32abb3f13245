// The front door of platform billing: what other domains, and the parts of billing in other folders, may
// use. Plain re-exports, one part per block.

export type { OveragePriceRow, PlanFull, PlanPriceRow, PlanRow } from './plans/repo.ts';
export { currentPrice, fullPlan, overagePricesFor } from './plans/repo.ts';
// The plans catalogue (billing/plans)
export type { ApiPlan } from './plans/schemas.ts';
export { isFreePlan, toApiPlan } from './plans/schemas.ts';
export { planByPublicId } from './plans/service.ts';

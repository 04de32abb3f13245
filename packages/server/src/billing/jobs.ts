import { usageJobs } from './usage/meter.ts';

// The platform billing's jobs, for the job registry.
export const billingJobs = [...usageJobs] as const;

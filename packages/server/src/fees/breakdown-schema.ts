import { z } from 'zod';

/** One payment's fees as the API shows them (a fee preview's rows, a payment's `fees`). */
export const feeBreakdownSchema = z.object({
  platform_fee: z.number().int(),
  application_fee: z.number().int(),
  stripe_fee: z.number().int(),
  stripe_fee_payer: z.enum(['platform', 'account']),
  tenant_net: z.number().int(),
  platform_net: z.number().int(),
});

import { z } from 'zod';
import { fromPublicId } from '../http/ids.ts';
import { pathId } from '../http/schemas.ts';

// Path parameters and list filters the payments routes share. Tenant payments are nested under the
// tenant like Connect: /v1/tenants/:id/… (docs/api.md).

export const paymentParams = z.strictObject({ id: pathId, payment_id: pathId });

/** A filter naming one of our objects: a malformed or foreign id matches nothing (an empty list). */
export const filterId = (kind: 'customer' | 'payment', v: string | undefined) =>
  v === undefined ? undefined : (fromPublicId(kind, v) ?? '00000000-0000-0000-0000-000000000000');

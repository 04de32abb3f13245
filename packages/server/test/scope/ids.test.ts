import { describe, expect, it } from 'vitest';
import { fromPublicId, type PublicId, parsePathId, toPublicId, type Uuid } from '../../src/http/ids.ts';

/**
 * A row's uuid and the id the API shows are both strings at run time; their types keep them apart. The
 * `@ts-expect-error` lines are checked by `npm run typecheck`: if a brand stopped separating the two, the
 * directive would be unused and the typecheck would fail.
 */
function wantsUuid(_id: Uuid<'tenant'>): void {}
function wantsPublicId(_id: PublicId<'tenant'>): void {}

describe('branded ids', () => {
  it('round-trip, and a public id of another kind is no id of this one', () => {
    const uuid = parsePathId('tenant', 'ten_0123456789abcdef0123456789abcdef');
    const publicId = toPublicId('tenant', uuid);
    expect(uuid).toBe('01234567-89ab-cdef-0123-456789abcdef');
    expect(publicId).toBe('ten_0123456789abcdef0123456789abcdef');
    expect(fromPublicId('customer', publicId)).toBeNull();

    wantsUuid(uuid);
    wantsPublicId(publicId);
    // @ts-expect-error a public id is not a uuid
    wantsUuid(publicId);
    // @ts-expect-error a uuid is not a public id
    wantsPublicId(uuid);
    // @ts-expect-error a plain string is neither: it must be parsed first
    wantsUuid('01234567-89ab-cdef-0123-456789abcdef');
    const customer = parsePathId('customer', 'cust_0123456789abcdef0123456789abcdef');
    // @ts-expect-error a customer's uuid is not a tenant's
    wantsUuid(customer);
  });
});

import * as React from 'react';
import { type SupportAudience, type SupportCriterion, useSupportSearch } from '@/api/support';
import { Alert } from '@/components/ui/alert';
import { Card, CardContent } from '@/components/ui/card';
import { LoadingBlock } from '@/components/ui/states';
import { CustomerView } from './customer-view';
import { SearchResults } from './results';
import { SearchForm } from './search-form';
import { supportErrorWords } from './words';

/**
 * The search and what it found: `audience()` gives where to look when a search is submitted (the page's
 * tenant, or the operator's pick or reason), kept with the search so editing the form asks nothing again.
 */
export function Lookup({
  audience,
  children,
}: {
  audience: () => SupportAudience;
  /** fields above the search (the operator's tenant and reason) */
  children?: React.ReactNode;
}) {
  const [search, setSearch] = React.useState<{ criterion: SupportCriterion; audience: SupportAudience }>();
  const [open, setOpen] = React.useState<{ customerId: string; audience: SupportAudience }>();
  const results = useSupportSearch(search?.criterion ?? null, search?.audience ?? {});
  const matches = results.data?.data;
  // opening a customer is a lookup of its own (audited): only when the agent chooses one
  const shown = open;

  return (
    <div className="space-y-4">
      <Card>
        <CardContent className="space-y-3">
          {children}
          <SearchForm
            onSearch={(criterion) => {
              setOpen(undefined);
              setSearch({ criterion, audience: audience() });
            }}
          />
        </CardContent>
      </Card>
      {!search ? null : results.isPending ? (
        <LoadingBlock label="Searching" />
      ) : results.error ? (
        <Alert variant="destructive" title="The search did not go through" data-testid="support-search-error">
          {supportErrorWords(results.error)}
        </Alert>
      ) : matches ? (
        <SearchResults
          matches={matches}
          selected={shown?.customerId ?? null}
          onSelect={(m) =>
            setOpen({ customerId: m.customer.id, audience: { ...search.audience, tenant: m.tenant.id } })
          }
        />
      ) : null}
      {shown ? (
        <CustomerView key={shown.customerId} customerId={shown.customerId} audience={shown.audience} />
      ) : null}
    </div>
  );
}

import { useApiKeyScopes } from '@/api/api-keys';
import { errorMessage } from '@/api/client';
import { Alert } from '@/components/ui/alert';
import { Checkbox } from '@/components/ui/checkbox';
import { Spinner } from '@/components/ui/states';

/** Groups `resource:read|write` scopes by resource for a compact grid. */
function groupScopes(scopes: string[]): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const scope of scopes) {
    const [resource = scope] = scope.split(':');
    groups.set(resource, [...(groups.get(resource) ?? []), scope]);
  }
  return [...groups.entries()];
}

/**
 * Scopes only an owner holds and grants (the server's `ownerScopes`, packages/server/src/scope/scopes.ts):
 * disconnecting or replacing the Stripe account, editing its payout details.
 */
const ownerOnlyScopes = new Set(['connect:manage']);

/** The scopes of a restricted key, one row per resource. */
export function ScopePicker({
  selected,
  onChange,
  ownerScopes,
}: {
  selected: string[];
  onChange: (scopes: string[]) => void;
  /** whether to offer the owner-only scopes (the caller is an owner or the platform) */
  ownerScopes: boolean;
}) {
  const scopes = useApiKeyScopes();
  if (scopes.isPending) return <Spinner label="Loading scopes" />;
  if (scopes.error) return <Alert variant="destructive">{errorMessage(scopes.error)}</Alert>;
  const toggle = (scope: string, on: boolean) =>
    onChange(on ? [...selected, scope] : selected.filter((s) => s !== scope));
  return (
    <fieldset className="max-h-56 overflow-y-auto rounded-md border" data-testid="api-key-scopes">
      <legend className="sr-only">Scopes</legend>
      <div className="divide-y">
        {groupScopes(scopes.data.data.filter((s) => ownerScopes || !ownerOnlyScopes.has(s))).map(
          ([resource, list]) => (
            <div
              key={resource}
              className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm"
            >
              <span className="font-medium" aria-hidden="true">
                {resource}
              </span>
              <span className="flex gap-4">
                {list.map((scope) => (
                  <label
                    key={scope}
                    htmlFor={`scope-${scope}`}
                    className="flex items-center gap-1.5 text-muted-foreground"
                  >
                    <Checkbox
                      id={`scope-${scope}`}
                      checked={selected.includes(scope)}
                      onChange={(e) => toggle(scope, e.target.checked)}
                      data-testid={`scope-${scope}`}
                    />
                    {/* the checkbox is named with its resource ("payments: write"), not a bare "write" */}
                    <span className="sr-only">{resource}: </span>
                    {scope.split(':')[1] ?? scope}
                  </label>
                ))}
              </span>
            </div>
          ),
        )}
      </div>
    </fieldset>
  );
}

/**
 * Tenants as the options of a select. A list can miss the selected tenant (the operator's is capped at 100):
 * `current` is then offered first, by its id, so it stays selected.
 */
export function TenantOptions({
  tenants,
  current,
}: {
  tenants: readonly { id: string; name: string }[];
  current?: string;
}) {
  const list =
    current && !tenants.some((t) => t.id === current)
      ? [{ id: current, name: current }, ...tenants]
      : tenants;
  return list.map((t) => (
    <option key={t.id} value={t.id}>
      {t.name}
    </option>
  ));
}

/** An API path with each interpolated value URL-encoded: path`/v1/tenants/${id}`. */
export function path(strings: TemplateStringsArray, ...values: string[]): string {
  return strings.reduce(
    (acc, part, i) => acc + part + (i < values.length ? encodeURIComponent(values[i]!) : ''),
    '',
  );
}

// Click-through steps of the dashboard, by data-testid, for the browser tests:
// operator setup → tenant → dashboard link as owner → API key created (secret once) and revoked;
// Events (filter, open, replay) and Webhook endpoints (secret once, rotate, disable, delete).
// Playwright-core only; the caller launches Chromium and owns the server.
import type { Page } from 'playwright-core';

/** Opens the one-time setup URL and creates the operator; lands on the platform's overview, ends on /operator/tenants. */
export async function setupOperator(
  page: Page,
  setupUrl: string,
  user: { name: string; email: string; password: string },
): Promise<void> {
  await page.goto(setupUrl);
  await page.getByTestId('setup-name').fill(user.name);
  await page.getByTestId('setup-email').fill(user.email);
  await page.getByTestId('setup-password').fill(user.password);
  await page.getByTestId('setup-submit').click();
  await page.waitForURL('**/operator');
  await page.getByTestId('nav-operator-tenants').click();
  await page.waitForURL('**/operator/tenants');
}

export async function signIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(new URL('/sign-in', baseUrl).href);
  await page.getByTestId('signin-email').fill(email);
  await page.getByTestId('signin-password').fill(password);
  await page.getByTestId('signin-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** Operator only: creates a tenant from the header and returns its id (ends on its overview). */
export async function createTenant(page: Page, name: string): Promise<string> {
  await page.getByTestId('new-tenant-button').click();
  await page.getByTestId('new-tenant-name').fill(name);
  await page.getByTestId('new-tenant-submit').click();
  await page.waitForURL(/\/tenants\/ten_[^/]+$/);
  return new URL(page.url()).pathname.split('/')[2]!;
}

/** Owner/admin/operator: creates an invite (dashboard link) on the Team page and returns its URL. */
export async function invite(
  page: Page,
  tenantId: string,
  email: string,
  role: 'owner' | 'admin' | 'member' | 'support',
): Promise<string> {
  await page.goto(new URL(`/tenants/${tenantId}/team`, page.url()).href);
  await page.getByTestId('invite-email').fill(email);
  await page.getByTestId('invite-role').selectOption(role);
  await page.getByTestId('invite-submit').click();
  const field = page.getByTestId('invite-url');
  await field.waitFor();
  return field.inputValue();
}

/** Creates a secret key on the tenant's API keys page; returns its id and the secret shown once. */
export async function createApiKey(
  page: Page,
  tenantId: string,
  name: string,
): Promise<{ id: string; secret: string }> {
  await page.goto(new URL(`/tenants/${tenantId}/api-keys`, page.url()).href);
  await page.getByTestId('create-api-key-button').click();
  await page.getByTestId('api-key-name').fill(name);
  await page.getByTestId('api-key-submit').click();
  const secret = await page.getByTestId('api-key-secret').inputValue();
  await page.getByTestId('api-key-secret-done').click();
  const row = page.locator('[data-testid^="api-key-row-"]', { hasText: name }).first();
  const testId = await row.getAttribute('data-testid');
  return { id: testId!.replace('api-key-row-', ''), secret };
}

/** Revokes a key from its row and waits until the row shows it revoked. */
export async function revokeApiKey(page: Page, keyId: string): Promise<void> {
  await page.getByTestId(`revoke-api-key-${keyId}`).click();
  await page.getByTestId('confirm-revoke').click();
  await page.locator(`[data-testid="api-key-row-${keyId}"][data-revoked="true"]`).waitFor();
}

// Webhook pipeline: the operator's Events and Webhook endpoints pages.

/** Operator: opens /operator/events, optionally filtered (type may be a `prefix.*`), and waits for the table or its empty state. */
export async function openEvents(
  page: Page,
  filters: { type?: string; status?: string; tenant?: string } = {},
): Promise<void> {
  await page.goto(new URL('/operator/events', page.url()).href);
  await page.getByTestId('event-stats').waitFor();
  if (filters.status !== undefined)
    await page.getByTestId('events-filter-status').selectOption(filters.status);
  if (filters.tenant !== undefined)
    await page.getByTestId('events-filter-tenant').selectOption(filters.tenant);
  if (filters.type !== undefined) {
    await page.getByTestId('events-filter-type').fill(filters.type);
    await page.getByTestId('events-filter-type').press('Enter');
  }
}

/** Opens an event's detail from its row; returns the pretty-printed payload shown. */
export async function openEvent(page: Page, eventId: string): Promise<string> {
  await page.getByTestId(`event-open-${eventId}`).click();
  const payload = page.getByTestId('event-payload');
  await payload.waitFor();
  return (await payload.textContent()) ?? '';
}

/** In an open event detail: replays it and waits for the confirmation toast. */
export async function replayEvent(page: Page): Promise<void> {
  await page.getByTestId('event-replay').click();
  // replaying asks first, naming the event
  await page.getByTestId('confirm-dialog').filter({ hasText: 'Replay this event?' }).waitFor();
  await page.getByTestId('event-replay-confirm').click();
  await page.getByTestId('toast').filter({ hasText: 'queued for replay' }).waitFor();
}

/** Operator: adds an outbound endpoint; returns its id and the signing secret shown once. */
export async function createWebhookEndpoint(
  page: Page,
  endpoint: { url: string; events?: string[]; description?: string },
): Promise<{ id: string; secret: string }> {
  await page.goto(new URL('/operator/webhooks', page.url()).href);
  await page.getByTestId('create-webhook-endpoint-button').click();
  await page.getByTestId('webhook-endpoint-url').fill(endpoint.url);
  if (endpoint.events) await page.getByTestId('webhook-endpoint-events').fill(endpoint.events.join(', '));
  if (endpoint.description) await page.getByTestId('webhook-endpoint-description').fill(endpoint.description);
  await page.getByTestId('webhook-endpoint-submit').click();
  const secret = await page.getByTestId('webhook-endpoint-secret').inputValue();
  await page.getByTestId('webhook-endpoint-secret-done').click();
  const row = page.locator('[data-testid^="webhook-endpoint-row-"]', { hasText: endpoint.url }).first();
  const testId = await row.getAttribute('data-testid');
  return { id: testId!.replace('webhook-endpoint-row-', ''), secret };
}

/** Rotates an endpoint's secret from its row; returns the new secret shown once. */
export async function rotateWebhookSecret(page: Page, endpointId: string): Promise<string> {
  await page.getByTestId(`rotate-webhook-endpoint-${endpointId}`).click();
  await page.getByTestId('confirm-rotate-webhook-secret').click();
  const secret = await page.getByTestId('webhook-endpoint-secret').inputValue();
  await page.getByTestId('webhook-endpoint-secret-done').click();
  return secret;
}

/** Disables or re-enables an endpoint and waits until its row shows the new status. */
export async function toggleWebhookEndpoint(page: Page, endpointId: string): Promise<'enabled' | 'disabled'> {
  const row = page.getByTestId(`webhook-endpoint-row-${endpointId}`);
  const next = (await row.getAttribute('data-status')) === 'enabled' ? 'disabled' : 'enabled';
  await page.getByTestId(`toggle-webhook-endpoint-${endpointId}`).click();
  await page.locator(`[data-testid="webhook-endpoint-row-${endpointId}"][data-status="${next}"]`).waitFor();
  return next;
}

/** Deletes an endpoint from its row and waits until the row is gone. */
export async function deleteWebhookEndpoint(page: Page, endpointId: string): Promise<void> {
  await page.getByTestId(`delete-webhook-endpoint-${endpointId}`).click();
  await page.getByTestId('confirm-delete-webhook-endpoint').click();
  await page.getByTestId(`webhook-endpoint-row-${endpointId}`).waitFor({ state: 'detached' });
}

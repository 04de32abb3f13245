// Click-through steps of the dashboard, by data-testid, for the browser tests (issue 3):
// operator setup → tenant → dashboard link as owner → API key created (secret once) and revoked.
// Playwright-core only; the caller launches Chromium and owns the server.
import type { Page } from 'playwright-core';

/** Opens the one-time setup URL and creates the operator; ends on /operator/tenants. */
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
  role: 'owner' | 'admin' | 'member',
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLink, operatorSession } from '../helpers/access.ts';
import {
  asSession,
  bearer,
  createTestTenant,
  sessionFor,
  startTestApp,
  type TestApp,
  type TestSession,
  type TestTenant,
} from '../helpers/app.ts';

/**
 * Team invitations, adversarially: an invitation for the operator's e-mail cannot be told apart from anyone's
 * (in the answer, the pending list or its revocation), and only an owner revokes an owner's invitation, as
 * only an owner makes one or removes an owner.
 */
describe('team invitations: oracles and powers', () => {
  let t: TestApp;
  let a: TestTenant;
  let admin: TestSession;
  let operatorEmail: string;

  beforeAll(async () => {
    t = await startTestApp();
    a = await createTestTenant(t, 'Invitations review');
    admin = await sessionFor(t, a, 'inv-review-admin@example.com', 'admin');
    operatorEmail = (await operatorSession(t)).email;
  });
  afterAll(() => t?.close());

  const call = (
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    headers: Record<string, string>,
    payload?: object,
  ) =>
    t.app.inject({
      method,
      url: `/v1/tenants/${a.publicId}/invitations${path}`,
      headers,
      ...(payload ? { payload } : {}),
    });

  it("an invitation for the operator's e-mail is listed and revoked like anyone's, and signs nobody in", async () => {
    const made = await call('POST', '', bearer(a.key), { email: operatorEmail, role: 'member' });
    expect(made.statusCode, made.body).toBe(200);
    const other = await call('POST', '', bearer(a.key), {
      email: 'inv-review-someone@example.com',
      role: 'member',
    });
    const pending = (await call('GET', '', bearer(a.key))).json().data as { id: string; email: string }[];
    // before: the someone's invitation was listed, the operator's was not (and revoking it was a 404)
    expect(pending.map((p) => p.id)).toContain(other.json().id);
    expect(pending.map((p) => p.id)).toContain(made.json().id);
    const revoked = await call('DELETE', `/${made.json().id}`, bearer(a.key));
    expect(revoked.statusCode, revoked.body).toBe(200);
    // a pending one for the operator signs nobody in
    const again = await call('POST', '', bearer(a.key), { email: operatorEmail, role: 'admin' });
    expect(await openLink(t, again.json().url)).toBeNull();
  });

  it("an admin cannot revoke an owner's invitation to be owner; the owner can", async () => {
    const made = await call('POST', '', bearer(a.key), {
      email: 'inv-review-owner2@example.com',
      role: 'owner',
    });
    expect(made.statusCode, made.body).toBe(200);
    const byAdmin = await call('DELETE', `/${made.json().id}`, asSession(admin));
    expect(byAdmin.statusCode, byAdmin.body).toBe(403);
    // still pending, and an admin still revokes a member's invitation
    expect((await call('GET', '', bearer(a.key))).json().data.map((p: { id: string }) => p.id)).toContain(
      made.json().id,
    );
    const member = await call('POST', '', asSession(admin), {
      email: 'inv-review-member@example.com',
      role: 'member',
    });
    expect((await call('DELETE', `/${member.json().id}`, asSession(admin))).statusCode).toBe(200);
    expect((await call('DELETE', `/${made.json().id}`, bearer(a.key))).statusCode).toBe(200);
  });

  it('a malformed invitation id is answered exactly as an unknown one', async () => {
    const answers = [];
    for (const id of ['dl_zz', `dl_${'0'.repeat(32)}`]) {
      const res = await call('DELETE', `/${id}`, bearer(a.key));
      expect(res.statusCode).toBe(404);
      const { code, param, message } = res.json().error;
      answers.push({ code, param, message: message.replace(id, '<id>') });
    }
    // before: "No such dashboard link" (param id) for the malformed one, "No such invitation" for the other
    expect(answers[0]).toEqual(answers[1]);
  });
});

import { prepareSetup } from '../../src/auth/service.ts';
import type { TestApp, TestSession } from './app.ts';

/** The test operator: every test database gets at most this one, so test files can share it. */
export const testOperator = { email: 'operator@tributary.test', password: 'a long operator password' };

/**
 * A session of the database's operator, created through the real setup route the first time and signed in
 * with its password after that.
 */
export async function operatorSession(t: TestApp): Promise<TestSession & { email: string }> {
  const url = await prepareSetup(t.database.db, t.config);
  const res = url
    ? await t.app.inject({
        method: 'POST',
        url: '/v1/auth/setup',
        payload: { token: new URL(url).searchParams.get('token'), ...testOperator, name: 'Olivia Operator' },
      })
    : await t.app.inject({ method: 'POST', url: '/v1/auth/login', payload: testOperator });
  if (res.statusCode !== 200) throw new Error(`operator sign-in failed: ${res.body}`);
  const cookie = `trb_session=${res.cookies.find((c) => c.name === 'trb_session')!.value}`;
  const session = (
    await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie } })
  ).json();
  return { cookie, csrf: session.csrf_token, userId: session.user.id, email: testOperator.email };
}

/** Opens a dashboard link the way a browser does; the session it signs in, or null when it signs none in. */
export async function openLink(t: TestApp, url: string): Promise<TestSession | null> {
  const opened = await t.app.inject({ method: 'GET', url: new URL(url).pathname });
  const set = opened.cookies.find((c) => c.name === 'trb_session');
  if (!set) return null;
  const cookie = `trb_session=${set.value}`;
  const session = await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie } });
  if (session.statusCode !== 200) throw new Error(`link opened, but no session: ${session.body}`);
  return { cookie, csrf: session.json().csrf_token, userId: session.json().user.id };
}

export interface SessionView {
  user: { id: string; email: string; is_operator: boolean };
  memberships: { tenant: { id: string }; role: 'owner' | 'admin' | 'member' }[];
}

export async function describeSession(t: TestApp, s: TestSession): Promise<SessionView> {
  const res = await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie: s.cookie } });
  if (res.statusCode !== 200) throw new Error(`no session: ${res.body}`);
  return res.json();
}

import { useRouter } from '@tanstack/react-router';
import type * as React from 'react';
import { errorMessage, isApiError } from '@/api/client';
import { useLogin } from '@/api/session';
import { AuthLayout } from '@/components/auth-layout';
import { TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useFormFields } from '@/components/use-form-fields';

const searchErrors: Record<string, string> = {
  link_invalid:
    'That sign-in link is invalid, has expired or was already used. Open your dashboard again from your platform to get a new one.',
  session_expired: 'Your session has ended. Sign in again.',
};

/** Only same-origin paths are followed after sign-in (no open redirect). */
function safeRedirect(target: string | undefined): string {
  return target?.startsWith('/') && !target.startsWith('//') ? target : '/';
}

export function SignInPage({ error, redirect }: { error?: string; redirect?: string }) {
  const login = useLogin();
  const router = useRouter();
  const { values, field } = useFormFields('signin', { email: '', password: '' });

  function submit(event: React.FormEvent) {
    event.preventDefault();
    login.mutate(
      { email: values.email.trim(), password: values.password },
      { onSuccess: () => router.history.push(safeRedirect(redirect)) },
    );
  }

  const loginError = login.error
    ? isApiError(login.error, 'invalid_credentials')
      ? 'Incorrect email or password.'
      : errorMessage(login.error)
    : null;
  const notice = error ? (searchErrors[error] ?? 'Sign-in failed. Try again.') : null;

  return (
    <AuthLayout title="Sign in" description="Operators sign in with email and password.">
      <form onSubmit={submit} className="space-y-4" noValidate={false}>
        {notice && !login.error ? (
          <Alert variant="warning" data-testid="signin-notice">
            {notice}
          </Alert>
        ) : null}
        {loginError ? (
          <Alert variant="destructive" data-testid="signin-error">
            {loginError}
          </Alert>
        ) : null}
        <TextField label="Email" type="email" autoComplete="email" required autoFocus {...field('email')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          {...field('password')}
        />
        <Button type="submit" className="w-full" data-testid="signin-submit" loading={login.isPending}>
          Sign in
        </Button>
      </form>
      <p className="mt-6 text-xs text-muted-foreground">
        Workspace members open the dashboard from their platform's app through a one-time sign-in link.
      </p>
    </AuthLayout>
  );
}

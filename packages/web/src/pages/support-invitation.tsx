import { useRouter } from '@tanstack/react-router';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { useAcceptSupportInvitation } from '@/api/session';
import { AuthLayout } from '@/components/auth-layout';
import { TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { useFormFields } from '@/components/use-form-fields';

const MIN_PASSWORD = 12;

/** A support user's invitation (from the operator's Support team page): set a password, and be signed in. */
export function SupportInvitationPage({ token }: { token?: string }) {
  const accept = useAcceptSupportInvitation();
  const router = useRouter();
  const { values, field } = useFormFields('support-invitation', { name: '', password: '' });
  const [touched, setTouched] = React.useState(false);
  const passwordTooShort = values.password.length < MIN_PASSWORD;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!token || passwordTooShort) return;
    const name = values.name.trim();
    accept.mutate(
      { token, password: values.password, ...(name ? { name } : {}) },
      { onSuccess: () => router.history.push('/') },
    );
  }

  return (
    <AuthLayout
      title="Join the support team"
      description="Choose the password you will sign in with. Support users read every tenant's customers and their payments, and change nothing."
    >
      <form onSubmit={submit} className="space-y-4">
        {!token ? (
          <Alert variant="destructive" title="Invitation link incomplete">
            Open the whole link the operator sent you.
          </Alert>
        ) : null}
        {accept.error ? (
          <Alert variant="destructive" data-testid="support-invitation-error">
            {errorMessage(accept.error)}
          </Alert>
        ) : null}
        <TextField label="Name (optional)" autoComplete="name" autoFocus {...field('name')} />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          aria-invalid={touched && passwordTooShort ? true : undefined}
          minLength={MIN_PASSWORD}
          required
          hint={
            <span className={touched && passwordTooShort ? 'text-destructive' : undefined}>
              At least {MIN_PASSWORD} characters.
            </span>
          }
          {...field('password')}
        />
        <Button
          type="submit"
          className="w-full"
          data-testid="support-invitation-submit"
          loading={accept.isPending}
          disabled={!token}
        >
          Set password and sign in
        </Button>
      </form>
    </AuthLayout>
  );
}

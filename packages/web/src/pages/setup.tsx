import { Link, useRouter } from '@tanstack/react-router';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { useSetup, useSetupStatus } from '@/api/session';
import { AuthLayout } from '@/components/auth-layout';
import { MIN_PASSWORD, NewPasswordField, TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { LoadingBlock } from '@/components/ui/states';
import { useFormFields } from '@/components/use-form-fields';

export function SetupPage({ token }: { token?: string }) {
  const status = useSetupStatus();
  const setup = useSetup();
  const router = useRouter();
  const { values, field } = useFormFields('setup', { name: '', email: '', password: '' });
  const [touched, setTouched] = React.useState(false);

  if (status.isPending) {
    return (
      <AuthLayout title="Set up Tributary">
        <LoadingBlock />
      </AuthLayout>
    );
  }

  if (status.data && !status.data.needs_setup) {
    return (
      <AuthLayout title="Already set up">
        <Alert variant="info">This Tributary instance already has an operator.</Alert>
        <Button className="mt-4 w-full" onClick={() => router.history.push('/sign-in')}>
          Go to sign in
        </Button>
      </AuthLayout>
    );
  }

  const passwordTooShort = values.password.length < MIN_PASSWORD;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!token || passwordTooShort) return;
    setup.mutate(
      { token, name: values.name.trim(), email: values.email.trim(), password: values.password },
      { onSuccess: () => router.history.push('/') },
    );
  }

  return (
    <AuthLayout
      title="Set up Tributary"
      description="Create the operator account that manages this platform."
    >
      <form onSubmit={submit} className="space-y-4">
        {!token ? (
          <Alert variant="destructive" title="Setup token missing">
            Open the one-time setup URL printed by the server on its first start.
          </Alert>
        ) : null}
        {status.error ? <Alert variant="destructive">{errorMessage(status.error)}</Alert> : null}
        {setup.error ? (
          <Alert variant="destructive" data-testid="setup-error">
            {errorMessage(setup.error)}
          </Alert>
        ) : null}
        <TextField label="Name" autoComplete="name" required autoFocus {...field('name')} />
        <TextField label="Email" type="email" autoComplete="email" required {...field('email')} />
        <NewPasswordField touched={touched} {...field('password')} />
        <Button
          type="submit"
          className="w-full"
          data-testid="setup-submit"
          loading={setup.isPending}
          disabled={!token}
        >
          Create operator account
        </Button>
      </form>
      <p className="mt-6 text-center text-xs text-muted-foreground">
        Already set up?{' '}
        <Link to="/sign-in" className="font-medium text-primary hover:underline">
          Sign in
        </Link>
      </p>
    </AuthLayout>
  );
}

import { Link, useRouter } from '@tanstack/react-router';
import * as React from 'react';
import { errorMessage } from '@/api/client';
import { useSetup, useSetupStatus } from '@/api/session';
import { AuthLayout } from '@/components/auth-layout';
import { TextField } from '@/components/form-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { FieldHint, Label } from '@/components/ui/label';
import { LoadingBlock } from '@/components/ui/states';

const MIN_PASSWORD = 12;

export function SetupPage({ token }: { token?: string }) {
  const status = useSetupStatus();
  const setup = useSetup();
  const router = useRouter();
  const [name, setName] = React.useState('');
  const [email, setEmail] = React.useState('');
  const [password, setPassword] = React.useState('');
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

  const passwordTooShort = password.length < MIN_PASSWORD;

  function submit(event: React.FormEvent) {
    event.preventDefault();
    setTouched(true);
    if (!token || passwordTooShort) return;
    setup.mutate(
      { token, name: name.trim(), email: email.trim(), password },
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
        <TextField
          id="setup-name"
          label="Name"
          autoComplete="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          autoFocus
        />
        <TextField
          id="setup-email"
          label="Email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
        <div className="space-y-2">
          <Label htmlFor="setup-password">Password</Label>
          <Input
            id="setup-password"
            data-testid="setup-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={touched && passwordTooShort ? true : undefined}
            aria-describedby="setup-password-hint"
            minLength={MIN_PASSWORD}
            required
          />
          <FieldHint
            id="setup-password-hint"
            className={touched && passwordTooShort ? 'text-destructive' : undefined}
          >
            At least {MIN_PASSWORD} characters.
          </FieldHint>
        </div>
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

import { Waves } from 'lucide-react';
import type * as React from 'react';
import { Card, CardContent } from '@/components/ui/card';

export function AuthLayout({
  title,
  description,
  children,
}: {
  title: string;
  description?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="flex min-h-dvh flex-col items-center justify-center bg-muted/50 px-4 py-10">
      <div className="mb-6 flex items-center gap-2 text-lg font-semibold tracking-tight">
        <span className="flex size-8 items-center justify-center rounded-md bg-primary text-primary-foreground">
          <Waves className="size-4" aria-hidden="true" />
        </span>
        Tributary
      </div>
      <Card className="w-full max-w-sm shadow-sm">
        <CardContent className="px-6 py-6">
          <h1 className="text-xl font-semibold">{title}</h1>
          {description ? <p className="mt-1 text-sm text-muted-foreground">{description}</p> : null}
          <div className="mt-6">{children}</div>
        </CardContent>
      </Card>
    </div>
  );
}

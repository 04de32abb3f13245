import type * as React from 'react';
import { errorMessage } from '@/api/client';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { useToast } from '@/components/ui/toast';

interface HostedOutcome {
  onSuccess: (r: { url: string }) => void;
  onError: (err: unknown) => void;
}

/**
 * Opens a Stripe-hosted page in a new tab — opened in the click, so no pop-up blocker stops it, and pointed at
 * the page once its single-use link exists — and keeps the link on the page to open or copy.
 */
export function HostedPageButton({
  link,
  linkLabel,
  linkTestId,
  buttonTestId,
  pending,
  request,
  children,
}: {
  link: string | undefined;
  linkLabel: string;
  linkTestId: string;
  buttonTestId: string;
  pending: boolean;
  request: (outcome: HostedOutcome) => void;
  children: React.ReactNode;
}) {
  const toast = useToast();
  return (
    <>
      {link ? (
        <span className="flex items-center gap-2 text-sm">
          <a
            href={link}
            target="_blank"
            rel="noreferrer"
            className="text-primary hover:underline"
            data-testid={linkTestId}
          >
            {linkLabel}
          </a>
          <CopyButton size="sm" value={link} label="Copy" />
        </span>
      ) : null}
      <Button
        variant="outline"
        loading={pending}
        data-testid={buttonTestId}
        onClick={() => {
          const tab = window.open('about:blank', '_blank');
          request({
            onSuccess: ({ url }) => {
              if (!tab) return;
              tab.opener = null;
              tab.location.href = url;
            },
            onError: (err) => {
              tab?.close();
              toast({ title: errorMessage(err), variant: 'error' });
            },
          });
        }}
      >
        {children}
      </Button>
    </>
  );
}

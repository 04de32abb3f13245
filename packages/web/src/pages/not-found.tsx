import { Compass } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/states';

export function NotFoundPage() {
  return (
    <div className="flex min-h-[60vh] items-center justify-center p-6">
      <EmptyState
        icon={<Compass />}
        title="Page not found"
        description="The page you are looking for does not exist or has moved."
        action={
          <Button variant="outline" onClick={() => window.location.assign('/')}>
            Go to the dashboard
          </Button>
        }
      />
    </div>
  );
}

import { Info } from 'lucide-react';
import * as React from 'react';
import { cn } from '@/lib/utils';

const width = 256;

/**
 * An ⓘ button whose text shows on hover, focus or click (Escape hides it); the text is the button's
 * description for screen readers either way. The text is placed fixed under the button, so a table's
 * scrolling box does not clip it.
 */
export function InfoTip({
  label,
  children,
  className,
  'data-testid': testId,
}: {
  /** what the text is about, for the button's name: "About MRR" */
  label: string;
  children: React.ReactNode;
  className?: string;
  'data-testid'?: string;
}) {
  const [hovered, setHovered] = React.useState(false);
  const [pinned, setPinned] = React.useState(false);
  const [place, setPlace] = React.useState({ top: 0, left: 0 });
  const button = React.useRef<HTMLButtonElement>(null);
  const id = React.useId();
  const shown = hovered || pinned;
  const hide = React.useCallback(() => {
    setHovered(false);
    setPinned(false);
  }, []);

  React.useLayoutEffect(() => {
    if (!shown || !button.current) return;
    const r = button.current.getBoundingClientRect();
    const left = Math.min(Math.max(8, r.left + r.width / 2 - width / 2), window.innerWidth - width - 8);
    setPlace({ top: r.bottom + 6, left: Math.max(8, left) });
    window.addEventListener('scroll', hide, { capture: true, once: true });
    window.addEventListener('resize', hide, { once: true });
    return () => {
      window.removeEventListener('scroll', hide, { capture: true });
      window.removeEventListener('resize', hide);
    };
  }, [shown, hide]);

  return (
    <span className={cn('inline-flex align-middle', className)}>
      <button
        ref={button}
        type="button"
        aria-label={label}
        aria-describedby={id}
        aria-expanded={shown}
        data-testid={testId}
        className="rounded-full p-0.5 text-muted-foreground outline-none hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring"
        onMouseEnter={() => setHovered(true)}
        onMouseLeave={() => setHovered(false)}
        onFocus={() => setHovered(true)}
        onBlur={hide}
        onClick={() => setPinned((p) => !p)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && shown) {
            e.stopPropagation();
            e.preventDefault();
            hide();
          }
        }}
      >
        <Info className="size-3.5" aria-hidden="true" />
      </button>
      <span
        id={id}
        role="tooltip"
        hidden={!shown}
        style={{ top: place.top, left: place.left, width }}
        className="fixed z-50 rounded-md border bg-popover px-3 py-2 text-left text-xs leading-relaxed font-normal tracking-normal whitespace-normal normal-case text-popover-foreground shadow-md"
      >
        {children}
      </span>
    </span>
  );
}

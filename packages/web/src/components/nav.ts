import type { LucideIcon } from 'lucide-react';
import {
  Activity,
  AlertTriangle,
  Banknote,
  Building2,
  ChartLine,
  ChartNoAxesCombined,
  CreditCard,
  FileText,
  Gauge,
  Headset,
  KeyRound,
  Landmark,
  Layers,
  LayoutDashboard,
  LifeBuoy,
  Mail,
  Percent,
  Repeat,
  ScrollText,
  Settings,
  ShieldCheck,
  UserRound,
  Users,
  Webhook,
} from 'lucide-react';

/** Tenant navigation: one entry per page; a new page adds its entry here and its route in router.tsx. */
export const tenantNav = [
  { to: '/tenants/$tenantId', segment: '', label: 'Overview', icon: LayoutDashboard, exact: true },
  {
    to: '/tenants/$tenantId/analytics',
    segment: 'analytics',
    label: 'Analytics',
    icon: ChartLine,
    exact: false,
  },
  // "Mailbox" with no SMTP server (the e-mails are only kept), "E-mails" otherwise: app-shell.tsx names it
  { to: '/tenants/$tenantId/emails', segment: 'emails', label: 'Mailbox', icon: Mail, exact: false },
  {
    to: '/tenants/$tenantId/payments-setup',
    segment: 'payments-setup',
    label: 'Payments setup',
    icon: CreditCard,
    exact: false,
  },
  { to: '/tenants/$tenantId/payments', segment: 'payments', label: 'Payments', icon: Banknote, exact: false },
  {
    to: '/tenants/$tenantId/customers',
    segment: 'customers',
    label: 'Customers',
    icon: UserRound,
    exact: false,
  },
  { to: '/tenants/$tenantId/invoices', segment: 'invoices', label: 'Invoices', icon: FileText, exact: false },
  {
    to: '/tenants/$tenantId/subscriptions',
    segment: 'subscriptions',
    label: 'Subscriptions',
    icon: Repeat,
    exact: false,
  },
  { to: '/tenants/$tenantId/billing', segment: 'billing', label: 'Billing', icon: Gauge, exact: false },
  { to: '/tenants/$tenantId/team', segment: 'team', label: 'Team', icon: Users, exact: false },
  { to: '/tenants/$tenantId/api-keys', segment: 'api-keys', label: 'API keys', icon: KeyRound, exact: false },
  { to: '/tenants/$tenantId/settings', segment: 'settings', label: 'Settings', icon: Settings, exact: false },
  {
    to: '/tenants/$tenantId/audit-log',
    segment: 'audit-log',
    label: 'Audit log',
    icon: ScrollText,
    exact: false,
  },
  { to: '/tenants/$tenantId/events', segment: 'events', label: 'Events', icon: Activity, exact: false },
  {
    to: '/tenants/$tenantId/support',
    segment: 'support',
    label: 'Support lookup',
    icon: LifeBuoy,
    exact: false,
  },
] as const satisfies readonly {
  to: string;
  segment: string;
  label: string;
  icon: LucideIcon;
  exact: boolean;
}[];

/**
 * What the support role (issue 23) sees of a tenant: its customers and their money, and the Support lookup.
 * The other pages read what the role cannot (the team, keys, the audit log, analytics, billing, e-mails, the
 * Stripe account, settings, and Stripe's raw events, which carry more of a card or an account than support
 * may see).
 */
export const supportSegments: ReadonlySet<string> = new Set([
  'customers',
  'payments',
  'invoices',
  'subscriptions',
  'support',
]);

export const operatorNav = [
  { to: '/operator', label: 'Overview', icon: LayoutDashboard, exact: true },
  { to: '/operator/tenants', label: 'Tenants', icon: Building2 },
  { to: '/operator/analytics', label: 'Platform analytics', icon: ChartNoAxesCombined },
  { to: '/operator/connected-accounts', label: 'Connected accounts', icon: Landmark },
  { to: '/operator/fee-schedules', label: 'Fee schedules', icon: Percent },
  { to: '/operator/plans', label: 'Plans', icon: Layers },
  { to: '/operator/dunning', label: 'Dunning', icon: AlertTriangle },
  { to: '/operator/events', label: 'Events', icon: Activity },
  { to: '/operator/support', label: 'Support lookup', icon: LifeBuoy },
  { to: '/operator/emails', label: 'All e-mails', icon: Mail },
  { to: '/operator/webhooks', label: 'Webhook endpoints', icon: Webhook },
  { to: '/operator/api-keys', label: 'Platform API keys', icon: ShieldCheck },
  { to: '/operator/support-team', label: 'Support team', icon: Headset },
] as const satisfies readonly { to: string; label: string; icon: LucideIcon; exact?: boolean }[];

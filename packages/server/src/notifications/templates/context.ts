import type { EmailStyle } from './document.ts';
import type { Messages } from './messages/index.ts';

/** What every template is rendered with besides its own data. */
export interface TemplateContext {
  tenantName: string;
  /** BCP 47 locale of the amounts, dates and words (`en`, `fr`, `de`) */
  locale: string;
  /** the fixed text of every template, in that locale (messages/) */
  m: Messages;
  /** an absolute link to a page of the tenant's dashboard (`payments/pay_…`) */
  dashboardUrl(path: string): string;
  formatDate(d: Date): string;
  footer: string;
  /** the tenant's logo and accent colour, for the shared layout */
  style?: EmailStyle;
}

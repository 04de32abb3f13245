import type { TemplateContext } from './context.ts';
import { type DisputeClosedData, type DisputeData, disputeClosed, disputeOpened } from './disputes.ts';
import { type EmailDocument, type RenderedEmail, renderDocument } from './document.ts';

export type { TemplateContext } from './context.ts';
export {
  type EmailDocument,
  type EmailStyle,
  headerSafe,
  type RenderedEmail,
  renderDocument,
} from './document.ts';

/** Every template, by name, with the data it takes. */
export interface TemplateData {
  /** to the tenant's owners and admins, at once: amount, reason, evidence due date, link to respond */
  dispute_opened: DisputeData;
  /** to the tenant's owners and admins: won, lost or closed */
  dispute_closed: DisputeClosedData;
}
export type TemplateName = keyof TemplateData;

const templates: { [T in TemplateName]: (data: TemplateData[T], ctx: TemplateContext) => EmailDocument } = {
  dispute_opened: disputeOpened,
  dispute_closed: disputeClosed,
};

export const templateNames = Object.keys(templates) as TemplateName[];

export function renderTemplate<T extends TemplateName>(
  name: T,
  data: TemplateData[T],
  ctx: TemplateContext,
): Promise<RenderedEmail> {
  return renderDocument(templates[name](data, ctx), ctx.style);
}

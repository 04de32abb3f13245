import type { RouteModule } from '../http/routing.ts';
import { chargeRoutes } from './charges/routes.ts';
import { cardUpdateRoutes } from './customers/card-update-routes.ts';
import { customerRoutes } from './customers/routes.ts';
import { disputeRoutes } from './disputes/routes.ts';
import { refundRoutes } from './refunds/routes.ts';

/** Every payments route: customers and their saved methods, payments, refunds, disputes, the card update page. */
export const paymentRoutes: RouteModule = (app, deps) => {
  customerRoutes(app, deps);
  chargeRoutes(app, deps);
  refundRoutes(app, deps);
  disputeRoutes(app, deps);
  cardUpdateRoutes(app, deps);
};

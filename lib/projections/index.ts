import { activityByDayProjection } from "./activity-by-day";
import { cityTotalsProjection } from "./city-totals";
import { customerHistoryProjection } from "./customer-history";
import { customerListProjection } from "./customer-list";
import { customerSearchProjection } from "./customer-search";
import type { Projection } from "./types";

/**
 * Every projection this application runs. Adding one: a module exporting a `Projection`, a
 * migration for its tables, and a line here; the runner, the runtime, the worker, the CLI and the
 * status page pick it up from this list.
 */
export const projections: readonly Projection[] = [
  customerListProjection,
  customerSearchProjection,
  cityTotalsProjection,
  customerHistoryProjection,
  activityByDayProjection,
];

export type { Projection, TableResolver } from "./types";
export { customerListProjection, customerSearchProjection, cityTotalsProjection, customerHistoryProjection, activityByDayProjection };

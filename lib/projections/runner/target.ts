import type { GlobalCursor } from "@/lib/eventstore";
import type { Projection, TableResolver } from "../types";
import type { ProjectionFeed } from "./event-loader";

/** One checkpoint the runner advances: a projection's live tables, or its rebuild's shadows. */
export interface Target {
  projection: Projection;
  checkpoint: string;
  rebuild: boolean;
  table: TableResolver;
  feed: ProjectionFeed;
  failures: number;
  retryAt: number;
  /** After a failed batch: one event per transaction up to here, to find the failing event. */
  singleUntil: GlobalCursor | null;
  /** The last batch was full: more is waiting, so read `catchUpBatchSize` at a time. */
  behind: boolean;
}

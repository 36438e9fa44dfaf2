// Shapes shared by the bench's data helpers and its per-run cache (kept apart so they import no loop).
import type { Address } from "@/lib/domain/customer/schema";

export interface CustomerSketch {
  id: string;
  streamId: string;
  version: number;
  name: string;
  address: Address;
}

export interface ProjectorRun {
  applied: number;
  checkpointApplied: number;
  /** From the runner's start to the last mark (process start-up excluded). */
  ms: number;
  before: { rss: number; hwm: number };
  marks: { events: number; rss: number; hwm: number }[];
}

/**
 * The projection runner, as parts:
 * - runner.ts: ProjectionRunner, the composition: lanes, loops, start, stop, drain;
 * - lanes.ts: a projection's live checkpoint and rebuild, each advanced a step at a time;
 * - step.ts: one step, one batch in one transaction (handle + checkpoint together);
 * - event-loader.ts: reads of the log, shared between projections, and read-ahead;
 * - checkpoints.ts: the checkpointer, the only module with checkpoint SQL;
 * - locks.ts: the batch lease (advisory lock per checkpoint) and runners' presence;
 * - failure-policy.ts: back-off and finding the failing event (pure);
 * - rebuild.ts: rebuild beside the live tables, then swap.
 */
export { ProjectionRunner } from "./runner";
export type { BatchInfo, RunnerOptions } from "./options";
export { PROJECTIONS_CHANNEL, requestRebuild } from "./rebuild";
export {
  CHECKPOINTS_CHANNEL,
  havePassed,
  readAllCheckpoints,
  readCheckpoint,
  type CheckpointRow,
} from "./checkpoints";
export { PRESENCE_NAMESPACE, presenceCounts } from "./locks";

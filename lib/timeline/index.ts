export * from "./diff";
export * from "./provenance";
export * from "./state-at";
export * from "./compare";
export { CHECKPOINT_EVERY, clearCheckpoints } from "./checkpoints";

export * from "./events";
export * from "./read-models";
export * from "./projections";
export * from "./auth";

/** A data-set check failed: the scenario measured something other than it claims. */
export class DataSetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataSetError";
  }
}

/** Fail loudly when a scenario's data set is not what it should be. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new DataSetError(message);
}

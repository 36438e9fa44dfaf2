/**
 * Run `attempt` until it succeeds or throws an error `shouldRetry` declines; that error is then
 * rethrown. `failures` counts the attempts that threw so far, this one included.
 */
export async function retry<T>(
  attempt: () => Promise<T>,
  shouldRetry: (error: unknown, failures: number) => boolean,
): Promise<T> {
  for (let failures = 1; ; failures++) {
    try {
      return await attempt();
    } catch (error) {
      if (!shouldRetry(error, failures)) throw error;
    }
  }
}

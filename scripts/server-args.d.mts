export const DEFAULT_HEAP_MB: number;
export function nextStartArgs(port: number | string, host?: string, env?: Record<string, string | undefined>): string[];
export function heapArgs(env?: Record<string, string | undefined>): string[];

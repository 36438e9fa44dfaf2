export function chromiumPath(): string | null;
export const NO_CHROMIUM_MESSAGE: string;

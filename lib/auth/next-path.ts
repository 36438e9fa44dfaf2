/**
 * Where to go after sign-in: a path on this site from `?next=`, never another site (`//evil`,
 * `https://…`, `/\evil`), and never back to /login.
 */
export function safeNextPath(value: string | string[] | undefined | null): string {
  const next = Array.isArray(value) ? value[0] : value;
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if (/[\u0000-\u001f]/.test(next) || next === "/login" || next.startsWith("/login?")) return "/";
  return next.slice(0, 2000);
}

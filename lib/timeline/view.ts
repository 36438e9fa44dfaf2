import { isFieldPath, type FieldPath } from "./diff";

/**
 * What the timeline page shows, as held in its URL:
 * `?v=3&tab=why&field=address.city` or, in compare mode, `?v=3&a=1&b=7`.
 * Pure, shared by the server page (first render) and the client (Back/Forward).
 */
export const TABS = ["state", "event", "changes", "why"] as const;
export type Tab = (typeof TABS)[number];

export interface TimelineView {
  v: number;
  a: number | null;
  b: number | null;
  tab: Tab;
  field: FieldPath | null;
}

/** Something in the URL that could not be shown as asked, and what is shown instead. */
export type ViewNotice =
  | { kind: "clamped"; param: "v" | "a" | "b"; requested: number; shown: number }
  | { kind: "invalid"; param: string; value: string; fallback: string }
  | { kind: "compare-dropped"; reason: string };

const INTEGER = /^[+-]?\d{1,16}$/;

const clamp = (n: number, max: number) => Math.min(Math.max(n, 1), max);

/** Read the view from query parameters (first value of each), clamping into 1…currentVersion. */
export function resolveView(params: Record<string, string | undefined>, currentVersion: number): { view: TimelineView; notices: ViewNotice[] } {
  const notices: ViewNotice[] = [];
  const version = (param: "v" | "a" | "b"): number | null => {
    const raw = params[param]?.trim();
    if (raw === undefined || raw === "") return null;
    if (!INTEGER.test(raw)) {
      notices.push({ kind: "invalid", param, value: raw, fallback: param === "v" ? `the latest version (v${currentVersion})` : "no comparison" });
      return null;
    }
    const requested = Number(raw);
    const shown = clamp(requested, currentVersion);
    if (shown !== requested) notices.push({ kind: "clamped", param, requested, shown });
    return shown;
  };

  const v = version("v") ?? currentVersion;
  let a = version("a");
  let b = version("b");
  if ((a === null) !== (b === null)) {
    notices.push({ kind: "compare-dropped", reason: "Compare needs both a and b" });
    a = b = null;
  } else if (a !== null && b !== null) {
    if (a > b) [a, b] = [b, a];
    if (a === b) {
      notices.push({ kind: "compare-dropped", reason: `Compare needs two different versions (both were v${a})` });
      a = b = null;
    }
  }

  const rawTab = params.tab;
  let tab: Tab = "state";
  if (rawTab !== undefined && rawTab !== "") {
    if ((TABS as readonly string[]).includes(rawTab)) tab = rawTab as Tab;
    else notices.push({ kind: "invalid", param: "tab", value: rawTab, fallback: "the State tab" });
  }

  const rawField = params.field;
  let field: FieldPath | null = null;
  if (rawField !== undefined && rawField !== "") {
    if (isFieldPath(rawField)) field = rawField;
    else notices.push({ kind: "invalid", param: "field", value: rawField, fallback: "no pinned field" });
  }
  return { view: { v, a, b, tab, field }, notices };
}

/** The query string of a view (`v` always explicit, so a shared link never drifts to "latest"). */
export function viewSearch(view: TimelineView): string {
  const out = new URLSearchParams();
  out.set("v", String(view.v));
  if (view.a !== null && view.b !== null) {
    out.set("a", String(view.a));
    out.set("b", String(view.b));
  }
  if (view.tab !== "state") out.set("tab", view.tab);
  if (view.field) out.set("field", view.field);
  return out.toString();
}

/** The page's `<title>` (the layout appends " · Ledger"). */
export const timelineTitle = (name: string, version: number, currentVersion: number) => `${name}: v${version} of ${currentVersion} · Timeline`;

/** Rows of the event list on each side of N, and how many "show previous/next" adds. */
export const WINDOW_RADIUS = 20;

/** The event-list window around `version`. */
export const windowAround = (version: number, currentVersion: number) => ({
  from: Math.max(1, version - WINDOW_RADIUS),
  to: Math.min(currentVersion, version + WINDOW_RADIUS),
});

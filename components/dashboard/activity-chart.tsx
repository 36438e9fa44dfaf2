import { Card } from "@/components/ui/card";
import type { Activity } from "@/lib/queries/activity";

// Events per day by type, drawn on the server as inline SVG (no chart library). Each day's bar
// is a link to the register as of the end of that day; a visually hidden table says the same.

const COLORS = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#db2777", "#65a30d"];
const OTHER_COLOR = "#a1a1aa";
const WIDTH = 600;
const HEIGHT = 160;
const GAP = 2;

const asOfHref = (endOfDay: string) => `/customers?asOf=${encodeURIComponent(endOfDay)}`;

function describeDay(day: Activity["days"][number]): string {
  const parts = Object.entries(day.byType)
    .sort((a, b) => b[1] - a[1])
    .map(([type, n]) => `${n} ${type}`);
  return `${day.day}: ${day.total} event${day.total === 1 ? "" : "s"}${parts.length ? ` (${parts.join(", ")})` : ""}. Open the register as of the end of that day.`;
}

export function ActivityChart({ activity }: { activity: Activity }) {
  const { days, types } = activity;
  const shown = types.slice(0, COLORS.length);
  const colorOf = (type: string) => COLORS[shown.indexOf(type)] ?? OTHER_COLOR;
  const max = Math.max(1, ...days.map((d) => d.total));
  const slot = WIDTH / Math.max(1, days.length);
  const total = days.reduce((sum, d) => sum + d.total, 0);
  return (
    <Card className="p-4">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-40 w-full"
        role="group"
        aria-label={`Events per day, last ${days.length} days: ${total} in all. Each bar opens the register as of the end of its day.`}
        preserveAspectRatio="none"
      >
        <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} className="stroke-zinc-300 dark:stroke-zinc-700" strokeWidth={1} />
        {days.map((day, i) => {
          let y = HEIGHT;
          const x = i * slot + GAP / 2;
          return (
            <a key={day.day} href={asOfHref(day.endOfDay)} aria-label={describeDay(day)} data-day={day.day} className="hover:opacity-80 focus:opacity-80">
              <title>{describeDay(day)}</title>
              {/* The whole column is the click target, so empty days are reachable too. */}
              <rect x={x} y={0} width={slot - GAP} height={HEIGHT} fill="transparent" />
              {Object.entries(day.byType)
                .sort((a, b) => shown.indexOf(a[0]) - shown.indexOf(b[0]))
                .map(([type, n]) => {
                  const h = (n / max) * (HEIGHT - 4);
                  y -= h;
                  return <rect key={type} x={x} y={y} width={slot - GAP} height={h} fill={colorOf(type)} />;
                })}
            </a>
          );
        })}
      </svg>
      <p className="mt-2 flex justify-between text-xs text-zinc-500 dark:text-zinc-400" aria-hidden="true">
        <span>{days[0]?.day}</span>
        <span>{days.at(-1)?.day} (UTC)</span>
      </p>
      <p className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400">
        {shown.map((type) => (
          <span key={type} className="inline-flex items-center gap-1">
            <span className="h-2 w-3 rounded-sm" style={{ background: colorOf(type) }} aria-hidden="true" /> {type}
          </span>
        ))}
        {types.length > shown.length ? (
          <span className="inline-flex items-center gap-1">
            <span className="h-2 w-3 rounded-sm" style={{ background: OTHER_COLOR }} aria-hidden="true" /> Other
          </span>
        ) : null}
        {total === 0 ? <span>No events in these {days.length} days.</span> : null}
      </p>
      {/* sr-only on a wrapper: a table sizes to its content, and an absolutely placed one widened the page. */}
      <div className="sr-only">
      <table>
        <caption>Events per day by type (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Events</th>
            <th scope="col">By type</th>
          </tr>
        </thead>
        <tbody>
          {days
            .filter((d) => d.total > 0)
            .map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                <td>{d.total}</td>
                <td>
                  {Object.entries(d.byType)
                    .map(([type, n]) => `${n} ${type}`)
                    .join(", ")}
                </td>
              </tr>
            ))}
        </tbody>
      </table>
      </div>
    </Card>
  );
}

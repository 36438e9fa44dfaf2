import type { HTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from "react";

/** Table pieces in one look (shadcn's table, restyled): scrolls sideways on narrow screens. */
export function Table({ className = "", caption, children, ...props }: HTMLAttributes<HTMLTableElement> & { caption?: string }) {
  return (
    // `relative`: sr-only text in cells is absolutely positioned; without a positioned ancestor it
    // escapes the scroll box and widens the whole page on narrow screens.
    <div className="relative w-full overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
      <table className={`w-full border-collapse text-left text-sm ${className}`} {...props}>
        {caption ? <caption className="sr-only">{caption}</caption> : null}
        {children}
      </table>
    </div>
  );
}

export function Th({ className = "", ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={`border-b border-zinc-200 bg-zinc-50 px-2 py-2 text-xs font-semibold sm:px-3 uppercase tracking-wide text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400 ${className}`}
      {...props}
    />
  );
}

export function Td({ className = "", ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={`border-b border-zinc-100 px-2 py-2 align-top sm:px-3 dark:border-zinc-800/70 ${className}`} {...props} />;
}

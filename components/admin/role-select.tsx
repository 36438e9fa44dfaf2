import type { SelectHTMLAttributes } from "react";
import { Select } from "@/components/ui/input";

export const ROLE_OPTIONS = [
  { value: "viewer", label: "Viewer: reads everything" },
  { value: "editor", label: "Editor: also changes customers" },
  { value: "admin", label: "Admin: also users, keys, rebuilds, erasure" },
] as const;

export function RoleSelect(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Select {...props}>
      {ROLE_OPTIONS.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </Select>
  );
}

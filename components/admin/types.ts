export type AdminFormState =
  | { status: "idle" }
  | { status: "done"; message: string; key?: string }
  | { status: "error"; message: string; fieldErrors?: Record<string, string[]> };

export interface AdminUser {
  id: string;
  email: string;
  name: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}

export interface AdminKey {
  id: string;
  name: string | null;
  start: string | null;
  role: string;
  enabled: boolean | null;
  createdAt: string;
  lastUsedAt: string | null;
  createdByName: string;
}

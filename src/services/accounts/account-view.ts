import type { AccountRow } from "../../db/queries/accounts";

/** What anyone may see of an account: never the password hash. */
export interface AccountView {
  id: number;
  username: string;
  name: string;
  email: string | null;
}

export function accountView(row: AccountRow): AccountView {
  return { id: row.id, username: row.username, name: row.name, email: row.email };
}

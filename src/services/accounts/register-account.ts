import type { Deps } from "../../deps";
import { accountView, type AccountView } from "./account-view";
import type { Caller } from "./caller";
import { insertOrRefuse, newAccount } from "./new-account";
import { throttleRegistration } from "./registration-throttle";

/** `POST /api/accounts`: a new account; 409 username_taken (case-insensitively), 422 naming each bad field. */
export async function registerAccount(deps: Deps, _caller: Caller, input: unknown, ip?: string | null): Promise<AccountView> {
  await throttleRegistration(deps, ip);
  const row = await insertOrRefuse(deps.db, await newAccount(deps, input));
  deps.logger.info("account registered", { accountId: row.id });
  return accountView(row);
}

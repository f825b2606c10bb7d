import { z } from "zod";
import type { AccountView } from "../../services/accounts/account-view";
import { bodyOf } from "./body-of";

/** An account as anyone may see it: never the password hash. */
export const Account = bodyOf<AccountView>()(
  z.object({ id: z.number().int(), username: z.string(), name: z.string(), email: z.string().nullable() }),
);

/** `POST /api/accounts`, `POST /api/session`, `GET /api/me`. */
export const AccountBody = z.object({ account: Account });

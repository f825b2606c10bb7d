import { z } from "zod";
import { insertAccount, type AccountRow, type NewAccount } from "../../db/queries/accounts";
import type { Db } from "../../db/types";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { hashPassword } from "../../security/password";
import { parseInput } from "../validate";
import { EMAIL, NAME, PASSWORD, USERNAME, usernameKey } from "./account-fields";

/** `POST /api/accounts` and the register forms. */
export const NewAccountInput = z.object({
  username: USERNAME,
  password: PASSWORD,
  name: NAME,
  email: EMAIL.nullish(),
});

/** Validates and hashes; the slow hash happens before any transaction opens. */
export async function newAccount(deps: Deps, input: unknown): Promise<NewAccount> {
  const { username, password, name, email } = parseInput(NewAccountInput, input);
  const now = deps.clock.now();
  return {
    username,
    usernameKey: usernameKey(username),
    name: name.trim(),
    email: email == null ? null : email.toLowerCase(),
    passwordHash: await hashPassword(password, deps.config.passwordScryptN),
    createdAt: now,
    updatedAt: now,
  };
}

export async function insertOrRefuse(db: Db, row: NewAccount): Promise<AccountRow> {
  const inserted = await insertAccount(db, row);
  if (!inserted) {
    throw new AppError("username_taken", `用户名 ${row.username} 已被使用 / The username ${row.username} is taken`, [
      { field: "username", message: "已被使用 / taken" },
    ]);
  }
  return inserted;
}

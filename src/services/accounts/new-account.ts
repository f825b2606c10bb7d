import { insertAccount, type AccountRow, type NewAccount } from "../../db/queries/accounts";
import type { Db } from "../../db/types";
import type { Deps } from "../../deps";
import { AppError } from "../../errors";
import { hashPassword } from "../../security/password";
import { Validator } from "../validate";
import { EMAIL, NAME, PASSWORD, USERNAME, usernameKey } from "./account-fields";

/** Validates and hashes; the slow hash happens before any transaction opens. */
export async function newAccount(deps: Deps, input: unknown): Promise<NewAccount> {
  const v = new Validator(input);
  const username = v.string("username", USERNAME);
  const password = v.string("password", PASSWORD);
  const name = v.string("name", NAME);
  const email = v.string("email", { ...EMAIL, optional: true });
  v.done();
  const now = deps.clock.now();
  return {
    username,
    usernameKey: usernameKey(username),
    name: name.trim(),
    email: email === undefined ? null : email.toLowerCase(),
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


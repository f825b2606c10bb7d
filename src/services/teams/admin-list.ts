import type { Validator } from "../validate";

// userid: 1–64 bytes of digits, letters and _-@. starting with a digit or letter (doc 90195).
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_\-@.]{0,63}$/;
const isUserId = (v: unknown): v is string => typeof v === "string" && USER_ID.test(v);

/** The binding's `adminUserIds`: who may command the bot besides the team's owners and admins. */
export const adminList = (v: Validator): string[] | undefined => v.list("adminUserIds", isUserId, "成员 UserID 列表（最多 100 个）/ a list of member userids (at most 100)", 100);

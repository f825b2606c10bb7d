import { z } from "zod";

// userid: 1–64 bytes of digits, letters and _-@. starting with a digit or letter (doc 90195).
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9_\-@.]{0,63}$/;
const USER_IDS = "成员 UserID 列表（最多 100 个）/ a list of member userids (at most 100)";

/** The binding's `adminUserIds`: who may command the bot besides the team's owners and admins. */
export const AdminUserIds = z
  .array(z.string({ error: USER_IDS }).regex(USER_ID, { error: USER_IDS }), { error: USER_IDS })
  .max(100, { error: USER_IDS });

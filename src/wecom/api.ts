import type { Caller, WecomCredentials } from "./caller";
import type {
  OAuthIdentity,
  OutgoingMessage,
  SendResult,
  WecomAgent,
  WecomDepartment,
  WecomDepartmentId,
  WecomSimpleUser,
  WecomUser,
  WecomUserDetail,
  WecomUserIdRow,
} from "./types";

/** The WeCom calls the service makes, for one app's credentials (docs/wecom.md#contacts-apis, docs/wecom.md#messages-and-cards, docs/wecom.md#oauth-and-web-login). */
export interface WecomApi {
  readonly corpId: string;
  readonly agentId: string;
  getToken(): Promise<string>;
  /** The visible tree from `id` (or all), recursive, with names (docs/wecom.md#departmentlist). */
  listDepartments(id?: number): Promise<WecomDepartment[]>;
  listDepartmentIds(id?: number): Promise<WecomDepartmentId[]>;
  getDepartment(id: number): Promise<WecomDepartment>;
  /** Members of exactly one department, with details (docs/wecom.md#usersimplelist-and-userlist). */
  listUsers(departmentId: number): Promise<WecomUser[]>;
  listSimpleUsers(departmentId: number): Promise<WecomSimpleUser[]>;
  /** One page of (userid, department) rows; `nextCursor` undefined on the last page (docs/wecom.md#userlist_id). */
  listUserIds(cursor?: string, limit?: number): Promise<{ rows: WecomUserIdRow[]; nextCursor?: string }>;
  getUser(userId: string): Promise<WecomUser>;
  getAgent(): Promise<WecomAgent>;
  sendMessage(message: OutgoingMessage): Promise<SendResult>;
  updateTemplateCard(p: {
    userIds: string[];
    responseCode: string;
    replaceName?: string;
    templateCard?: Record<string, unknown>;
  }): Promise<void>;
  getUserInfo(code: string): Promise<OAuthIdentity>;
  getUserDetail(userTicket: string): Promise<WecomUserDetail>;
}

const list = (v: unknown): string[] => (typeof v === "string" && v !== "" ? v.split("|") : []);

export function wecomApi(creds: WecomCredentials, call: Caller, getToken: () => Promise<string>): WecomApi {
  const agentid = Number(creds.agentId);
  return {
    corpId: creds.corpId,
    agentId: creds.agentId,
    getToken,
    async listDepartments(id) {
      const r = await call<{ department?: WecomDepartment[] }>("department/list", { method: "GET", query: { id } });
      return r.department ?? [];
    },
    async listDepartmentIds(id) {
      const r = await call<{ department_id?: WecomDepartmentId[] }>("department/simplelist", { method: "GET", query: { id } });
      return r.department_id ?? [];
    },
    async getDepartment(id) {
      const r = await call<{ department: WecomDepartment }>("department/get", { method: "GET", query: { id } });
      return r.department;
    },
    async listUsers(departmentId) {
      const r = await call<{ userlist?: WecomUser[] }>("user/list", { method: "GET", query: { department_id: departmentId } });
      return r.userlist ?? [];
    },
    async listSimpleUsers(departmentId) {
      const r = await call<{ userlist?: WecomSimpleUser[] }>("user/simplelist", { method: "GET", query: { department_id: departmentId } });
      return r.userlist ?? [];
    },
    async listUserIds(cursor, limit = 10_000) {
      const r = await call<{ dept_user?: WecomUserIdRow[]; next_cursor?: string }>("user/list_id", {
        method: "POST",
        body: { ...(cursor ? { cursor } : {}), limit },
      });
      return { rows: r.dept_user ?? [], ...(r.next_cursor ? { nextCursor: r.next_cursor } : {}) };
    },
    async getUser(userId) {
      const {
        errcode: _e,
        errmsg: _m,
        ...user
      } = await call<WecomUser & { errcode?: number; errmsg?: string }>("user/get", {
        method: "GET",
        query: { userid: userId },
      });
      return user;
    },
    async getAgent() {
      const r = await call<{
        agentid?: number;
        name?: string;
        allow_userinfos?: { user?: { userid: string }[] };
        allow_partys?: { partyid?: number[] };
        allow_tags?: { tagid?: number[] };
        close?: number;
        redirect_domain?: string;
      }>("agent/get", { method: "GET", query: { agentid } });
      return {
        agentId: String(r.agentid ?? creds.agentId),
        name: r.name ?? "",
        allowUserIds: (r.allow_userinfos?.user ?? []).map((u) => u.userid),
        allowPartyIds: r.allow_partys?.partyid ?? [],
        allowTagIds: r.allow_tags?.tagid ?? [],
        closed: r.close === 1,
        ...(r.redirect_domain ? { redirectDomain: r.redirect_domain } : {}),
      };
    },
    async sendMessage(message) {
      const { touser, ...content } = message;
      const r = await call<{ invaliduser?: string; msgid?: string; response_code?: string }>("message/send", {
        method: "POST",
        body: { touser: touser.join("|"), agentid, ...content },
      });
      return {
        invalidUsers: list(r.invaliduser),
        ...(r.msgid ? { msgId: String(r.msgid) } : {}),
        ...(r.response_code ? { responseCode: r.response_code } : {}),
      };
    },
    async updateTemplateCard(p) {
      await call("message/update_template_card", {
        method: "POST",
        body: {
          userids: p.userIds,
          agentid,
          response_code: p.responseCode,
          ...(p.replaceName ? { button: { replace_name: p.replaceName } } : {}),
          ...(p.templateCard ? { template_card: p.templateCard } : {}),
        },
      });
    },
    async getUserInfo(code) {
      const r = await call<{ userid?: string; user_ticket?: string; openid?: string; external_userid?: string }>("auth/getuserinfo", {
        method: "GET",
        query: { code },
      });
      if (r.userid) return { kind: "member", userId: r.userid, ...(r.user_ticket ? { userTicket: r.user_ticket } : {}) };
      return { kind: "outsider", openId: r.openid ?? "", ...(r.external_userid ? { externalUserId: r.external_userid } : {}) };
    },
    async getUserDetail(userTicket) {
      const {
        errcode: _e,
        errmsg: _m,
        ...detail
      } = await call<WecomUserDetail & { errcode?: number; errmsg?: string }>("auth/getuserdetail", {
        method: "POST",
        body: { user_ticket: userTicket },
      });
      return detail;
    },
  };
}

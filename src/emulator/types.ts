// Shapes the emulator keeps in memory. Field names follow WeCom's JSON (docs/wecom.md#departmentlist, docs/wecom.md#userget)
// so rendering an API answer is mostly copying.

export interface Clock {
  now(): Date;
}

/** docs/wecom.md#departmentlist: `order` sorts larger first; root department id is 1. */
export interface Department {
  id: number;
  name: string;
  name_en?: string;
  parentid: number;
  order: number;
  department_leader: readonly string[];
}

/** Member status (docs/wecom.md#userget): 1 active, 2 disabled, 4 not activated, 5 left. */
export type UserStatus = 1 | 2 | 4 | 5;

/**
 * docs/wecom.md#userget. `department`, `order`, `is_leader_in_dept` are parallel arrays. Arrays may be
 * shared between users to keep 100,000 members lean — replace them, never mutate in place.
 */
export interface User {
  userid: string;
  name: string;
  department: readonly number[];
  order: readonly number[];
  main_department: number;
  position: string;
  status: UserStatus;
  mobile?: string;
  email?: string;
  biz_mail?: string;
  /** "0" unknown, "1" male, "2" female (a string in WeCom's JSON). */
  gender?: "0" | "1" | "2";
  avatar?: string;
  telephone?: string;
  address?: string;
  is_leader_in_dept: readonly number[];
  direct_leader: readonly string[];
  alias?: string;
}

/** A self-built app (docs/wecom.md#which-secret, docs/wecom.md#agentget). */
export interface AppConfig {
  agentId: number;
  secret: string;
  name: string;
  /** Visibility: these departments with their subtrees … */
  allowPartys: number[];
  /** … plus these members … */
  allowUsers: string[];
  /** … plus tag members. The emulator has no tags, so tag ids only show up in agent/get. */
  allowTags: number[];
  /** 1 = app disabled (docs/wecom.md#agentget). */
  close: 0 | 1;
  /** Created on/after 2022-06-20: contacts APIs omit sensitive fields (docs/wecom.md#restricted-fields). */
  restricted: boolean;
  /** Trusted OAuth domain, exact host[:port] (docs/wecom.md#oauth-and-web-login); unset = any redirect_uri. */
  redirectDomain?: string;
}

/** 通讯录同步 secret (docs/wecom.md#which-secret). `newIp` = called from an IP added after 2022-08-15. */
export interface ContactSyncConfig {
  secret: string;
  newIp: boolean;
}

export interface GenerateSpec {
  departments: number;
  users: number;
  seed: number;
}

export type DepartmentInput = Partial<Department> & { id: number; name: string };
export type UserInput = Partial<Omit<User, "department">> & { userid: string; name: string; department: readonly number[] };

export type OrgSpec = { generate: GenerateSpec } | { departments: DepartmentInput[]; users: UserInput[] };

export interface Fault {
  /** API name such as "user/list", "gettoken", "message/send"; "*" matches every API. */
  api: string;
  errcode?: number;
  errmsg?: string;
  /** Answer with this HTTP status instead of 200 (e.g. 502 from a gateway). */
  http?: number;
  /** Cut the JSON body in half. */
  truncate?: boolean;
  delayMs?: number;
  /** Drop the connection (in-process fetch: reject with a TypeError like undici's "fetch failed"). */
  reset?: boolean;
  /** How many matching calls this fault hits (default 1). */
  times?: number;
  /** Let this many matching calls pass before the fault hits. */
  afterCalls?: number;
}

export interface CallbackTarget {
  url: string;
  token: string;
  encodingAesKey: string;
  /** AgentID put on app callbacks (chat, card clicks); defaults to the first app. */
  agentId?: number;
}

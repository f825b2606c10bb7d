/** Shapes of WeCom's answers (docs/wecom.md#contacts-apis, docs/wecom.md#messages-and-cards, docs/wecom.md#oauth-and-web-login). Restricted fields are optional (docs/wecom.md#restricted-fields). */

export interface WecomDepartment {
  id: number;
  name: string;
  name_en?: string;
  parentid: number;
  order: number;
  department_leader?: string[];
}

export interface WecomDepartmentId {
  id: number;
  parentid: number;
  order: number;
}

/** 1 active, 2 disabled, 4 not activated, 5 left (docs/wecom.md#userget). */
export type WecomUserStatus = 1 | 2 | 4 | 5;

export interface WecomUser {
  userid: string;
  name: string;
  department: number[];
  order?: number[];
  main_department?: number;
  position?: string;
  status?: WecomUserStatus;
  alias?: string;
  is_leader_in_dept?: number[];
  direct_leader?: string[];
  open_userid?: string;
  // Absent for self-built apps created on/after 2022-06-20 (docs/wecom.md#restricted-fields).
  mobile?: string;
  email?: string;
  biz_mail?: string;
  gender?: string;
  avatar?: string;
  thumb_avatar?: string;
  address?: string;
}

export interface WecomSimpleUser {
  userid: string;
  name: string;
  department: number[];
  open_userid?: string;
}

export interface WecomUserIdRow {
  userid: string;
  department: number;
}

/** agent/get: the visibility range is partys (with subtrees) ∪ users ∪ tags (docs/wecom.md#agentget). */
export interface WecomAgent {
  agentId: string;
  name: string;
  allowUserIds: string[];
  allowPartyIds: number[];
  allowTagIds: number[];
  closed: boolean;
  redirectDomain?: string;
}

export type OutgoingMessage =
  | { touser: string[]; msgtype: "text"; text: { content: string } }
  | { touser: string[]; msgtype: "markdown"; markdown: { content: string } }
  | { touser: string[]; msgtype: "textcard"; textcard: { title: string; description: string; url: string; btntxt?: string } }
  | { touser: string[]; msgtype: "template_card"; template_card: Record<string, unknown> };

export interface SendResult {
  /** Lower-cased by WeCom (docs/wecom.md#userids). */
  invalidUsers: string[];
  msgId?: string;
  responseCode?: string;
}

export type OAuthIdentity =
  { kind: "member"; userId: string; userTicket?: string } | { kind: "outsider"; openId: string; externalUserId?: string };

export interface WecomUserDetail {
  userid: string;
  mobile?: string;
  email?: string;
  biz_mail?: string;
  gender?: string;
  avatar?: string;
}

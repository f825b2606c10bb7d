// Objects as the contacts APIs return them (docs/wecom.md#departmentlist, docs/wecom.md#userget). Restricted apps (created
// on/after 2022-06-20) get no avatar, thumb_avatar, gender, mobile, email, biz_mail, qr_code
// or address (docs/wecom.md#restricted-fields): the keys are absent, not empty.
import type { Department, User } from "./types";

export function renderDepartment(d: Department): Record<string, unknown> {
  const out: Record<string, unknown> = { id: d.id, name: d.name };
  if (d.name_en !== undefined) out.name_en = d.name_en;
  out.department_leader = d.department_leader;
  out.parentid = d.parentid;
  out.order = d.order;
  return out;
}

export function avatarUrl(u: User): string {
  return u.avatar ?? `https://wework.qpic.cn/emu/${encodeURIComponent(u.userid.toLowerCase())}/0`;
}

export function qrCodeUrl(u: User): string {
  return `https://open.work.weixin.qq.com/wwopen/userQRCode?vcode=emu${Buffer.from(u.userid.toLowerCase()).toString("hex")}`;
}

/** The fields only `auth/getuserdetail` or an unrestricted caller sees (docs/wecom.md#oauth-and-web-login). */
export function sensitiveFields(u: User): Record<string, string> {
  const out: Record<string, string> = {};
  if (u.gender !== undefined) out.gender = u.gender;
  out.avatar = avatarUrl(u);
  out.qr_code = qrCodeUrl(u);
  if (u.mobile !== undefined) out.mobile = u.mobile;
  if (u.email !== undefined) out.email = u.email;
  if (u.biz_mail !== undefined) out.biz_mail = u.biz_mail;
  if (u.address !== undefined) out.address = u.address;
  return out;
}

export function renderUser(u: User, restricted: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    userid: u.userid,
    name: u.name,
    department: u.department,
    order: u.order,
    position: u.position,
  };
  if (!restricted) {
    if (u.mobile !== undefined) out.mobile = u.mobile;
    out.gender = u.gender ?? "0";
    if (u.email !== undefined) out.email = u.email;
    if (u.biz_mail !== undefined) out.biz_mail = u.biz_mail;
  }
  out.is_leader_in_dept = u.is_leader_in_dept;
  out.direct_leader = u.direct_leader;
  if (!restricted) {
    out.avatar = avatarUrl(u);
    out.thumb_avatar = avatarUrl(u).replace(/\/0$/, "/100");
  }
  out.telephone = u.telephone ?? "";
  out.alias = u.alias ?? "";
  if (!restricted && u.address !== undefined) out.address = u.address;
  out.main_department = u.main_department;
  out.extattr = { attrs: [] };
  out.status = u.status;
  if (!restricted) out.qr_code = qrCodeUrl(u);
  out.external_position = "";
  out.external_profile = { external_corp_name: "", external_attr: [] };
  return out;
}

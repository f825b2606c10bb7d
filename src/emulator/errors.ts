// WeCom-style error bodies. Every API answers HTTP 200 with errcode/errmsg (reference
// "Conventions"); errmsg is free text clients must not parse, so it mimics WeCom's shape
// ("…, hint: […], from ip: …, more info at …") without promising anything.

const TEXT: Record<number, string> = {
  [-1]: "system busy",
  40001: "invalid credential",
  40008: "invalid message type",
  40013: "invalid corpid",
  40014: "invalid access_token",
  40029: "invalid code",
  40031: "invalid userid list",
  40056: "invalid agentid",
  40058: "invalid parameter",
  41001: "access_token missing",
  41002: "corpid missing",
  41004: "corpsecret missing",
  41008: "missing oauth code",
  41009: "missing userid",
  41011: "missing agentid",
  42001: "access_token expired",
  42003: "oauth_code expired",
  42014: "invalid task_id",
  42015: "template card updated by another app",
  42022: "response_code has been used or expired",
  42031: "invalid template card type",
  42038: "invalid button_list",
  42045: "template_card card_action is required",
  43002: "require POST method",
  44004: "empty content",
  45002: "content size out of limit",
  45008: "article size out of limit",
  45009: "api freq out of limit",
  47001: "data format error",
  48002: "api forbidden",
  48009: "api not allowed for this secret from a new ip",
  50001: "redirect_url not authorised",
  50002: "member out of app's visibility",
  50003: "application is disabled",
  60011: "no privilege to access/modify contact/party/agent",
  60111: "userid not found",
  60123: "invalid party id",
  81013: "user & party & tag all invalid",
  82001: "all touser & toparty & totag are empty",
  301002: "access_token and agentid mismatch",
};

let hints = 0;

export function errmsgFor(code: number): string {
  hints = (hints + 1) % 1_000_000;
  return `${TEXT[code] ?? "error"}, hint: [emu-${hints}], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=${code}`;
}

export interface WecomErrorBody {
  errcode: number;
  errmsg: string;
}

export function errorBody(code: number, errmsg?: string): WecomErrorBody {
  return { errcode: code, errmsg: errmsg ?? errmsgFor(code) };
}

/** The closed set of error codes every surface maps (docs/architecture.md#errors). */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  team_not_found: 404,
  team_exists: 409,
  conflict: 409,
  not_bound: 409,
  managed_by_wecom: 409,
  wecom_rejected: 422,
  wecom_unavailable: 503,
  payload_too_large: 413,
  bad_signature: 401,
  stale_timestamp: 401,
  bad_receive_id: 400,
  bad_ciphertext: 400,
  bad_xml: 400,
  invalid_credentials: 401,
  too_many_attempts: 429,
  csrf_failed: 403,
  username_taken: 409,
  already_member: 409,
  member_locked: 403,
  not_authorized: 403,
  not_a_member: 403,
  invitation_invalid: 404,
  invitation_expired: 410,
  invitation_used: 409,
  invitation_wrong_user: 403,
  not_in_corp: 403,
  oauth_failed: 400,
  wecom_already_bound: 409,
  setup_code_invalid: 403,
  setup_closed: 410,
  database_unavailable: 503,
  migrations_pending: 503,
  shutting_down: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface FieldProblem {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldProblem[],
    /** Extra machine-readable facts for the client, e.g. WeCom's errcode and the API called. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code];
  }
}

/** An error message is "中文 / English": the half for one language (a page or bot reply that speaks one). */
export function messageIn(message: string, lang: "zh" | "en"): string {
  const at = message.indexOf(" / ");
  if (at < 0) return message;
  return lang === "zh" ? message.slice(0, at) : message.slice(at + 3);
}

export function teamNotFound(slug: string): AppError {
  return new AppError("team_not_found", `团队 ${slug} 不存在 / Team ${slug} not found`);
}

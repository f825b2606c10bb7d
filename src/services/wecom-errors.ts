import { AppError } from "../errors";
import { WecomApiError, WecomRetryableError } from "../wecom/api-error";

/** WeCom failures as the service's typed errors, keeping errcode, errmsg and the API (docs/architecture.md#errors). */
export function wecomToAppError(err: unknown): unknown {
  if (err instanceof WecomApiError) {
    return new AppError("wecom_rejected", `${err.hint.zh} / ${err.hint.en}`, undefined, {
      errcode: err.errcode,
      errmsg: err.errmsg,
      api: err.api,
      hint: err.hint,
      ...(err.ip ? { ip: err.ip } : {}),
    });
  }
  if (err instanceof WecomRetryableError) {
    return new AppError(
      "wecom_unavailable",
      "企业微信暂时不可用，请稍后重试 / WeCom is unavailable right now — try again shortly",
      undefined,
      {
        api: err.api,
        reason: err.reason,
        ...(err.errcode === undefined ? {} : { errcode: err.errcode }),
      },
    );
  }
  return err;
}

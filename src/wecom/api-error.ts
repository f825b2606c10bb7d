import { hintFor, ipFromErrmsg, type Hint } from "./errcodes";

/** A WeCom errcode we must not retry: carries the API called and a hint for the admin (docs/architecture.md#errors). */
export class WecomApiError extends Error {
  readonly hint: Hint;
  /** For 60020: the server IP WeCom reported, to add to the app's trusted IPs. */
  readonly ip: string | undefined;

  constructor(
    readonly api: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    const hint = hintFor(errcode, errmsg);
    super(`WeCom ${api} → ${errcode}: ${hint.en}`);
    this.name = "WecomApiError";
    this.hint = hint;
    this.ip = errcode === 60020 ? ipFromErrmsg(errmsg) : undefined;
  }
}

/** Transient trouble (busy, rate limit, 5xx, timeout, reset, truncated JSON) that outlasted the retries. */
export class WecomRetryableError extends Error {
  constructor(
    readonly api: string,
    readonly reason: string,
    readonly errcode?: number,
  ) {
    super(`WeCom ${api}: ${reason}${errcode === undefined ? "" : ` (${errcode})`} — retries exhausted`);
    this.name = "WecomRetryableError";
  }
}

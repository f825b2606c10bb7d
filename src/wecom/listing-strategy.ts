import { WecomApiError } from "./api-error";
import type { WecomApi } from "./api";

/**
 * How members can be listed with this secret, richest first (docs/wecom.md#contacts-apis, docs/sync.md#job-steps):
 * user/list gives details per department; user/simplelist gives names, details then per user/get;
 * user/list_id (contact-sync secret only) gives ids, details per user/get.
 */
export type ListingStrategy = "user/list" | "user/simplelist+user/get" | "user/list_id+user/get";

export interface StrategyChoice {
  strategy: ListingStrategy;
  /** The strategies that were refused on the way, with WeCom's errcode. */
  refused: { strategy: ListingStrategy; errcode: number }[];
}

/** 48009: contact-sync secret from a new IP; 48002: API not allowed for this secret. */
const NOT_ALLOWED = new Set([48009, 48002]);

/** Whether `err` is WeCom saying this secret may not call that API (so a poorer way is tried). */
export const notAllowed = (err: unknown): boolean => err instanceof WecomApiError && NOT_ALLOWED.has(err.errcode);

const PROBES: [ListingStrategy, (api: WecomApi, departmentId: number) => Promise<unknown>][] = [
  ["user/list", (api, d) => api.listUsers(d)],
  ["user/simplelist+user/get", (api, d) => api.listSimpleUsers(d)],
  ["user/list_id+user/get", (api) => api.listUserIds(undefined, 1)],
];

/** Probes on one department; any error other than "not allowed for this secret" propagates. */
export async function chooseListingStrategy(api: WecomApi, departmentId: number): Promise<StrategyChoice> {
  const refused: StrategyChoice["refused"] = [];
  let last: WecomApiError | undefined;
  for (const [strategy, probe] of PROBES) {
    try {
      await probe(api, departmentId);
      return { strategy, refused };
    } catch (err) {
      if (!notAllowed(err)) throw err;
      const { errcode } = err as WecomApiError;
      refused.push({ strategy, errcode });
      last = err as WecomApiError;
    }
  }
  throw last!;
}

import type { WecomRequest } from "./transport";

/** The self-built app whose token a call uses. */
export interface WecomCredentials {
  corpId: string;
  agentId: string;
  secret: string;
}

/** One authenticated WeCom call (token, budget, retries taken care of): what the API wrappers build on. */
export type Caller = <T extends object = Record<string, unknown>>(api: string, req: Omit<WecomRequest, "path">) => Promise<T>;

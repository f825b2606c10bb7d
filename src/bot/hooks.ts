import type { Hooks } from "../deps";
import { reportJobSafely } from "./job-reports";
import { tellEndpointDisabled } from "./webhook-notice";

/** The admin bot's part in what services report (docs/architecture.md#admin-bot); the entry puts it in Deps. */
export const botHooks: Hooks = {
  jobEvent: reportJobSafely,
  endpointDisabled: tellEndpointDisabled,
};

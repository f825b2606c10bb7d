import { findBindingByTeamId } from "../../db/queries/bindings";
import type { JobRow } from "../../db/queries/sync-jobs";
import type { Deps } from "../../deps";
import type { WecomApi } from "../../wecom/api";
import { sealContext } from "../teams/binding-view";

/** What a job's cursor remembers between steps (and across crashes and Workers invocations). */
export interface SyncCursor {
  strategy?: "user/list" | "user/simplelist";
  departmentIds?: number[];
  deptIndex?: number;
  extraUserIds?: string[];
  extraIndex?: number;
  afterKey?: string;
  afterMemberId?: number;
  departmentsApplied?: boolean;
  listingSize?: number;
  breaker?: { deprovisions: number; threshold: number; active: number };
  /** Why this run deprovisions nobody (partial listing, empty, shrunk), if it does not. */
  skipDeprovisions?: string;
}

export interface JobContext {
  deps: Deps;
  job: JobRow;
  cursor: SyncCursor;
  teamId: number;
  scopeDepartmentIds: number[] | null;
  wecom: () => WecomApi;
}

export async function jobContext(deps: Deps, job: JobRow): Promise<JobContext> {
  const binding = await findBindingByTeamId(deps.db, { teamId: job.teamId });
  if (!binding) throw new Error("team is not bound");
  let api: WecomApi | undefined;
  return {
    deps,
    job,
    cursor: job.cursor,
    teamId: job.teamId,
    scopeDepartmentIds: binding.scopeDepartmentIds,
    wecom: () =>
      (api ??= deps.wecom.for({
        corpId: binding.corpId,
        agentId: binding.agentId,
        secret: deps.secrets.open(binding.secretSealed, sealContext(job.teamId, "secret")),
      })),
  };
}

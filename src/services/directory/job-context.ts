import { findBindingByTeamId } from "../../db/queries/bindings";
import type { Observed } from "../../db/queries/observations";
import type { JobRow } from "../../db/queries/sync-jobs";
import type { ListingKeys } from "../../db/queries/sync-seen";
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
  /** When the members phase began, on the app's clock (ISO): its pace so far (job-estimate.ts). */
  membersSince?: string;
  /** When the department tree was read, just before the members' pages (docs/observations.md). */
  listedAt?: Observed;
  /** Every department in that tree, when the scope leaves some out (else `departmentIds`). */
  treeIds?: number[];
  /** The verify phase's place among the missing members (their keys). */
  verifyAfterKey?: string;
}

/**
 * What one runner keeps between the steps it drives, only to save work: a runner that takes over
 * after a crash (or the next Workers invocation) starts with none and loads it again.
 */
export interface RunnerMemo {
  /**
   * The mirror's content hash per member key and what the job has recorded of each (listingKeys),
   * read at the runner's first members step and kept up to date by every merge this runner makes:
   * its merges insert a member it has not recorded without ON CONFLICT. Valid only while every
   * merge it counts committed, which holds because a failed merge fails the job (or, LeaseLost,
   * stops this runner).
   */
  keys?: ListingKeys;
}

export interface JobContext {
  deps: Deps;
  memo: RunnerMemo;
  job: JobRow;
  cursor: SyncCursor;
  teamId: number;
  scopeDepartmentIds: number[] | null;
  wecom: () => WecomApi;
}

export async function jobContext(deps: Deps, job: JobRow, memo: RunnerMemo = {}): Promise<JobContext> {
  const binding = await findBindingByTeamId(deps.db, { teamId: job.teamId });
  if (!binding) throw new Error("team is not bound");
  let api: WecomApi | undefined;
  return {
    deps,
    memo,
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

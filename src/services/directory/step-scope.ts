import { observeNow } from "../../db/queries/observations";
import { insertSeenDepartments } from "../../db/queries/sync-seen";
import { WecomApiError } from "../../wecom/api-error";
import { chooseListingStrategy } from "../../wecom/listing-strategy";
import { departmentFields, departmentHash } from "./mirror-shape";
import { departmentsInScope, individuallyVisible } from "./scope";
import type { Step } from "./steps";

/** agent/get and department/list: what the mirror covers (docs/sync.md#scope). */
export const scopeStep: Step = async (ctx) => {
  const api = ctx.wecom();
  // The tree's read time, and the time the run's listing began: a member observed after it is not
  // missing whatever the pages say (docs/observations.md).
  const listedAt = await observeNow(ctx.deps.db);
  const agent = await api.getAgent();
  if (agent.closed) throw new WecomApiError("agent/get", 50003, "app closed");
  const tree = await api.listDepartments();
  const inScope = departmentsInScope(tree, ctx.scopeDepartmentIds);
  const ids = inScope.map((d) => d.id).sort((a, b) => a - b);
  let strategy: "user/list" | "user/simplelist" = "user/list";
  if (ids[0] !== undefined) {
    const choice = await chooseListingStrategy(api, ids[0]);
    if (choice.strategy === "user/list_id+user/get")
      throw new WecomApiError("user/list", choice.refused[0]?.errcode ?? 48009, "listing not allowed for this secret");
    strategy = choice.strategy === "user/list" ? "user/list" : "user/simplelist";
  }
  return {
    write: (tx) =>
      insertSeenDepartments(tx, {
        jobId: ctx.job.id,
        rows: inScope.map((d) => ({ id: d.id, ...departmentFields(d), contentHash: departmentHash(departmentFields(d)) })),
      }),
    set: {
      phase: "members",
      done: 0,
      total: ids.length,
      cursor: {
        ...ctx.cursor,
        strategy,
        departmentIds: ids,
        deptIndex: 0,
        extraUserIds: individuallyVisible(agent, ctx.scopeDepartmentIds),
        extraIndex: 0,
        listedAt,
        membersSince: ctx.deps.clock.now().toISOString(),
        ...(tree.length === ids.length ? {} : { treeIds: tree.map((d) => d.id) }),
      },
    },
  };
};

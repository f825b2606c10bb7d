import type { DepartmentView } from "../../services/directory/read-directory";
import { Bi } from "../layout";
import { Csrf } from "../form-parts";
import { ConsoleShell, teamHref, type ShellProps } from "./shell";
import { Card } from "./parts";

export interface TreeNode {
  dept: DepartmentView;
  children: TreeNode[];
}

/** Departments as WeCom nests them: roots are those whose parent is not mirrored; siblings by WeCom's order. */
export function departmentTree(items: DepartmentView[]): TreeNode[] {
  const nodes = new Map(items.map((d) => [d.id, { dept: d, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const n of nodes.values()) {
    const parent = n.dept.parentId !== n.dept.id ? nodes.get(n.dept.parentId) : undefined;
    (parent ? parent.children : roots).push(n);
  }
  // WeCom shows a larger order first (docs/wecom.md#departmentlist); ties by id.
  const sort = (list: TreeNode[]) => {
    list.sort((a, b) => b.dept.order - a.dept.order || a.dept.id - b.dept.id);
    for (const n of list) sort(n.children);
  };
  sort(roots);
  return roots;
}

/** Depth-first, with the depth, for an indented <select>. */
export function flatten(
  nodes: TreeNode[],
  depth = 0,
  out: { dept: DepartmentView; depth: number }[] = [],
): { dept: DepartmentView; depth: number }[] {
  for (const n of nodes) {
    out.push({ dept: n.dept, depth });
    flatten(n.children, depth + 1, out);
  }
  return out;
}

function Branch(props: { nodes: TreeNode[]; href: (id: number) => string }) {
  return (
    <ul>
      {props.nodes.map((n) => (
        <li id={`dept-${n.dept.id}`}>
          <a href={props.href(n.dept.id)}>{n.dept.name}</a> <span class="muted">#{n.dept.id}</span>
          {n.children.length > 0 ? <Branch nodes={n.children} href={props.href} /> : null}
        </li>
      ))}
    </ul>
  );
}

export function DepartmentSelect(props: {
  id: string;
  name: string;
  options: { dept: DepartmentView; depth: number }[];
  selected?: number | undefined;
  any?: boolean;
}) {
  return (
    <select id={props.id} name={props.name} class="wide" required={!props.any}>
      {props.any ? (
        <option value="">
          <Bi zh="全部" en="All" />
        </option>
      ) : null}
      {props.options.map((o) => (
        <option value={String(o.dept.id)} selected={o.dept.id === props.selected}>
          {`${"　".repeat(o.depth)}${o.dept.name} (#${o.dept.id})`}
        </option>
      ))}
    </select>
  );
}

export function DepartmentsPage(props: Omit<ShellProps, "title" | "section" | "children"> & { departments: DepartmentView[] }) {
  const slug = props.team?.slug ?? "";
  const at = (path: string) => teamHref(props.base, slug, path);
  const tree = departmentTree(props.departments);
  return (
    <ConsoleShell {...props} title={{ zh: "部门", en: "Departments" }} section="departments">
      <Card id="managed" title={{ zh: "在企业微信中管理", en: "Managed in WeCom" }}>
        <p>
          <Bi
            zh="部门结构以企业微信为准，这里只读。要新建、改名或移动部门，请在企业微信管理后台操作，然后刷新。"
            en="WeCom owns the department structure; it is read-only here. Create, rename or move departments in the WeCom admin console, then refresh."
          />
        </p>
        <form method="post" action={at("/sync")}>
          <Csrf token={props.csrf} />
          <button type="submit" class="secondary" id="refresh">
            <Bi zh="从企业微信刷新" en="Refresh from WeCom" />
          </button>
        </form>
      </Card>
      {props.departments.length > 0 ? (
        <form method="post" action={at("/members/authorize")} class="card">
          <h2>
            <Bi zh="授权一个部门" en="Authorize a department" />
          </h2>
          <Csrf token={props.csrf} />
          <input type="hidden" name="scope" value="department" />
          <input type="hidden" name="from" value="departments" />
          <label for="f-auth-dept">
            <Bi zh="部门（含下级部门）" en="Department (with its sub-departments)" />
          </label>
          <div class="row">
            <div>
              <DepartmentSelect id="f-auth-dept" name="department" options={flatten(tree)} />
            </div>
            <button type="submit" id="authorize-department">
              <Bi zh="授权并发送邀请…" en="Authorize and invite…" />
            </button>
          </div>
          <p class="hint">
            <Bi
              zh="下一步会显示将授权的人数和名单，确认后才发送。已有账号的成员直接加入；其他成员在企业微信中收到邀请卡片。"
              en="The next step shows how many people and who, and sends nothing until you confirm. Members with an account join at once; the others get an invitation card in WeCom."
            />
          </p>
        </form>
      ) : null}
      <section class="card tree" aria-labelledby="tree">
        <h2 id="tree">
          <Bi zh="部门结构" en="Department tree" /> <span class="muted">({props.departments.length})</span>
        </h2>
        {tree.length === 0 ? (
          <p class="muted">
            <Bi zh="还没有导入部门。" en="No departments imported yet." />
          </p>
        ) : (
          <Branch nodes={tree} href={(id) => at(`/members?department=${id}`)} />
        )}
      </section>
    </ConsoleShell>
  );
}

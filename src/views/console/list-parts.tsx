import type { Child } from "hono/jsx";
import type { Bilingual } from "../labels";
import { Bi } from "../layout";
import { tr } from "../lang";

/** A list page's URL with its filters: empty ones are left out, so a plain list has a plain URL. */
export function withQuery(url: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${url}?${s}` : url;
}

/** A GET form over a list: the filters in a row, then the submit button. */
export function FilterForm(props: { action: string; children: Child }) {
  return (
    <form method="get" action={props.action} class="card" role="search">
      <div class="row">
        {props.children}
        <button type="submit" id="filter">
          <Bi zh="筛选" en="Filter" />
        </button>
      </div>
    </form>
  );
}

/** A labelled select whose empty first choice means "any". */
export function FilterSelect(props: { name: string; label: Bilingual; options: { value: string; text: string }[]; selected: string }) {
  const id = `f-${props.name}`;
  return (
    <div>
      <label for={id}>
        <Bi {...props.label} />
      </label>
      <select id={id} name={props.name} class="wide">
        <option value="">{tr({ zh: "全部", en: "All" })}</option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.selected}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Keyset paging: back to the start (when not on it) and on to the next page (when there is one). */
export function Pager(props: {
  firstHref?: string | undefined;
  nextHref?: string | undefined;
  nextId?: string;
  labels?: { first: Bilingual; next: Bilingual };
}) {
  const labels = props.labels ?? { first: { zh: "第一页", en: "First page" }, next: { zh: "下一页", en: "Next page" } };
  return (
    <nav class="pager" aria-label={tr({ zh: "分页", en: "Pages" })}>
      {props.firstHref ? <a href={props.firstHref}>{`« ${tr(labels.first)}`}</a> : null}
      {props.nextHref ? (
        <a href={props.nextHref} id={props.nextId}>
          {`${tr(labels.next)} »`}
        </a>
      ) : null}
    </nav>
  );
}

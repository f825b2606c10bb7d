import { Bi, Layout } from "./layout";
import { tr } from "./lang";

export type StatusKind = "forbidden" | "not_found" | "internal";

const TEXT: Record<StatusKind, { title: { zh: string; en: string }; body: { zh: string; en: string } }> = {
  forbidden: {
    title: { zh: "无权访问", en: "Access denied" },
    body: {
      zh: "此链接无效或已过期。请让管理员重新发送进度链接。",
      en: "This link is invalid or has expired. Ask an admin to send the progress link again.",
    },
  },
  not_found: {
    title: { zh: "未找到", en: "Not found" },
    body: { zh: "没有找到这个团队或同步任务。", en: "This team or sync job does not exist." },
  },
  internal: {
    title: { zh: "出错了", en: "Something went wrong" },
    body: { zh: "服务暂时无法显示此页面，请稍后刷新。", en: "The service cannot show this page right now. Reload in a moment." },
  },
};

/** A path nothing answers, as a browser sees it: what happened and the way home. */
export function NotFoundPage(props: { nonce: string; home: string }) {
  return (
    <Layout title={tr({ zh: "页面不存在", en: "Page not found" })} nonce={props.nonce}>
      <div class="card">
        <h1>
          <Bi zh="页面不存在" en="Page not found" />
        </h1>
        <p>
          <Bi zh="这个地址没有页面。链接可能有误或已失效。" en="There is no page at this address. The link may be wrong or out of date." />
        </p>
        <p>
          <a href={props.home} id="home">
            <Bi zh="返回首页" en="Go to the start page" />
          </a>
        </p>
      </div>
    </Layout>
  );
}

/** A page for a refusal or a miss: says what to do, and nothing about the job or team asked for. */
export function StatusPage(props: { kind: StatusKind; nonce: string }) {
  const t = TEXT[props.kind];
  return (
    <Layout title={tr(t.title)} nonce={props.nonce}>
      <div class="card">
        <h1>
          <Bi {...t.title} />
        </h1>
        <p>
          <Bi {...t.body} />
        </p>
      </div>
    </Layout>
  );
}

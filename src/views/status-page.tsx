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

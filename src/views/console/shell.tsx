import type { Child } from "hono/jsx";
import type { AccountView } from "../../services/accounts/account-view";
import type { Bilingual } from "../labels";
import { Bi, Layout } from "../layout";
import { tr, trMessage } from "../lang";
import { Csrf } from "../form-parts";
import { ConsoleStyle } from "./styles";
import { SECTIONS, type Section } from "./text";

export interface Flash {
  message: Bilingual;
  counts: { zh: string; en: string; n: number }[];
}

export interface ShellProps {
  title: Bilingual;
  nonce: string;
  csrf: string;
  /** PUBLIC_URL's path prefix ("" at the root). */
  base: string;
  account: AccountView;
  /** The team of a team page: its name (from the database) and slug. */
  team?: { slug: string; name?: string } | undefined;
  section?: Section | undefined;
  flash?: Flash | undefined;
  /** An AppError message ("中文 / English"); the page shows its half. */
  error?: string | undefined;
  /** Inline script for this page (CSP nonce applied); static text only. */
  script?: string | undefined;
  head?: Child;
  children?: Child;
}

export const teamHref = (base: string, slug: string, path = ""): string => `${base}/teams/${encodeURIComponent(slug)}${path}`;

export function FlashBox(props: { flash: Flash | undefined }) {
  const f = props.flash;
  if (!f) return null;
  return (
    <div class="card ok" role="status">
      <p>
        <Bi {...f.message} />
      </p>
      {f.counts.length > 0 ? (
        <p>
          {f.counts.map((c, i) => (
            <>
              {i > 0 ? " · " : ""}
              <Bi zh={c.zh} en={c.en} />
              {tr({ zh: "：", en: ": " })}
              <strong>{c.n}</strong>
            </>
          ))}
        </p>
      ) : null}
    </div>
  );
}

export function ErrorBox(props: { error: string | undefined }) {
  if (!props.error) return null;
  return (
    <div class="card alert" role="alert">
      <p>{trMessage(props.error)}</p>
    </div>
  );
}

function MenuLinks(props: { base: string; slug: string; section: Section | undefined; class?: string }) {
  return (
    <ul class={props.class}>
      {SECTIONS.map((s) => (
        <li>
          <a href={teamHref(props.base, props.slug, s.path)} aria-current={s.key === props.section ? "page" : undefined}>
            <Bi zh={s.zh} en={s.en} />
          </a>
        </li>
      ))}
    </ul>
  );
}

/**
 * The team's sections: a bar of links on a wide screen; on a phone the same links folded under
 * one line naming the current section, so the page starts on the first screen (styles.tsx).
 */
function Menu(props: { base: string; slug: string; section: Section | undefined }) {
  const current = SECTIONS.find((s) => s.key === props.section);
  return (
    <nav aria-label={tr({ zh: "控制台", en: "Console" })}>
      <details id="menu" class="menu">
        <summary>
          <Bi zh="菜单" en="Menu" />
          {current ? (
            <>
              {tr({ zh: "：", en: ": " })}
              <Bi zh={current.zh} en={current.en} />
            </>
          ) : null}
        </summary>
        <MenuLinks {...props} />
      </details>
      <MenuLinks {...props} class="bar" />
    </nav>
  );
}

/** Every console page: who is signed in, the team's sections, the page, its messages. */
export function ConsoleShell(props: ShellProps) {
  const { base, team } = props;
  const title = team ? `${tr(props.title)} · ${team.name ?? team.slug}` : tr(props.title);
  return (
    <Layout
      title={title}
      nonce={props.nonce}
      head={
        <>
          <ConsoleStyle nonce={props.nonce} />
          {props.head}
        </>
      }
    >
      <a class="skip" href="#content">
        <Bi zh="跳到正文" en="Skip to content" />
      </a>
      <header class="card">
        <div class="top">
          <p>
            <a href={`${base}/teams`}>
              <Bi zh="我的团队" en="My teams" />
            </a>
            {team ? (
              <>
                {" › "}
                <strong id="team-name">{team.name ?? team.slug}</strong>
                {team.name && team.name !== team.slug ? (
                  <>
                    {" "}
                    <code>{team.slug}</code>
                  </>
                ) : null}
              </>
            ) : null}
          </p>
          <form method="post" action={`${base}/logout`} class="inline">
            <span class="who">{props.account.name}</span> <Csrf token={props.csrf} />
            <button type="submit" class="secondary small">
              <Bi zh="退出" en="Log out" />
            </button>
          </form>
        </div>
        {team ? <Menu base={base} slug={team.slug} section={props.section} /> : null}
      </header>
      <div id="content">
        <h1 class="card">
          <Bi {...props.title} />
        </h1>
        <FlashBox flash={props.flash} />
        <ErrorBox error={props.error} />
        {props.children}
      </div>
      {props.script ? <script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: props.script }} /> : null}
    </Layout>
  );
}

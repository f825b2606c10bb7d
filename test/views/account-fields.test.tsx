import { jsx } from "hono/jsx";
import type { JSX } from "hono/jsx/jsx-runtime";
import { describe, expect, it } from "vitest";
import { AuthPage } from "../../src/views/auth";
import { LangContext, type Lang } from "../../src/views/lang";
import { SetupPage } from "../../src/views/setup";

/** The page as the routes render it (routes/pages/form-kit.ts html). */
const render = async (lang: Lang, page: JSX.Element) => jsx(LangContext.Provider, { value: { lang } }, page).toString();

/** Each account input's attributes, in page order, keyed by name. */
function inputs(html: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const [tag] of html.matchAll(/<input [^>]*>/g)) {
    const attrs = Object.fromEntries([...tag.matchAll(/([a-z-]+)(?:="([^"]*)")?/g)].slice(1).map(([, k, v]) => [k!, v ?? ""]));
    if (["username", "password", "name", "email"].includes(attrs.name ?? "")) out[attrs.name!] = attrs;
  }
  return out;
}

const labelOf = (html: string, name: string) => new RegExp(`<label for="f-${name}">([^<]*)</label>`).exec(html)?.[1];

const problems = [
  { field: "username", message: "用户名已被占用 / The username is taken" },
  { field: "email", message: "邮箱格式不对 / Not an email address" },
];

describe("the account fields of the register, login and setup forms", () => {
  it("are the same inputs on the register form and the setup form: ids, names, autocomplete, required, limits", async () => {
    const register = inputs(await render("zh", <AuthPage mode="register" nonce="n" csrf="c" />));
    const setup = inputs(await render("zh", <SetupPage nonce="n" csrf="c" />));
    expect(Object.keys(register)).toEqual(["username", "password", "name", "email"]);
    expect(Object.keys(setup)).toEqual(["name", "username", "password", "email"]);
    for (const name of Object.keys(register)) expect(setup[name], name).toEqual(register[name]);
    expect(register.password).toMatchObject({
      id: "f-password",
      type: "password",
      autocomplete: "new-password",
      minlength: "10",
      required: "",
    });
    expect(register.username).toMatchObject({ autocomplete: "username", minlength: "3", maxlength: "64", autocapitalize: "none" });
    expect(register.name).toMatchObject({ autocomplete: "name", maxlength: "100" });
    expect(register.name).not.toHaveProperty("autocapitalize");
    expect(register.email).toMatchObject({ type: "email", autocomplete: "email", maxlength: "254" });
    expect(register.email).not.toHaveProperty("required");
  });

  it("ask only for the username and current password on the login form, without the new-account hints", async () => {
    const html = await render("en", <AuthPage mode="login" nonce="n" csrf="c" />);
    const login = inputs(html);
    expect(Object.keys(login)).toEqual(["username", "password"]);
    expect(login.password).toMatchObject({ autocomplete: "current-password", required: "" });
    expect(login.password).not.toHaveProperty("minlength");
    expect(login.username).not.toHaveProperty("aria-describedby");
    expect(html).not.toContain("At least 10 characters");
  });

  it("label in the person's language and show each field's problem, tied to its input", async () => {
    for (const [lang, username, email, taken] of [
      ["zh", "用户名", "邮箱（可选）", "用户名已被占用"],
      ["en", "Username", "Email (optional)", "The username is taken"],
    ] as const) {
      for (const html of await Promise.all([
        render(
          lang,
          <SetupPage
            nonce="n"
            csrf="c"
            values={{ username: "ann", email: "x" }}
            error={{ message: "有问题 / Problem", fields: problems }}
          />,
        ),
        render(
          lang,
          <AuthPage
            mode="register"
            nonce="n"
            csrf="c"
            values={{ username: "ann", email: "x" }}
            error={{ message: "有问题 / Problem", fields: problems }}
          />,
        ),
      ])) {
        expect(labelOf(html, "username")).toBe(username);
        expect(labelOf(html, "email")).toBe(email);
        const fields = inputs(html);
        expect(fields.username).toMatchObject({
          value: "ann",
          "aria-invalid": "true",
          "aria-describedby": "f-username-hint f-username-error",
        });
        expect(fields.email).toMatchObject({ value: "x", "aria-invalid": "true", "aria-describedby": "f-email-error" });
        expect(fields.password).not.toHaveProperty("value");
        expect(fields.password).not.toHaveProperty("aria-invalid");
        expect(html).toContain(`<p class="field-error" id="f-username-error">${taken}</p>`);
      }
    }
  });
});

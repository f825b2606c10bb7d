import type { FieldProblem } from "../errors";
import { Field } from "./form-parts";

export interface AccountFieldsProps {
  /** `login` asks for the username and current password; `new` for a new account (register, setup's owner). */
  purpose: "login" | "new";
  /** What the person typed (never the password), to fill the form again after an error. */
  values?: { username?: string | undefined; name?: string | undefined; email?: string | undefined };
  /** The server's problems with the fields (a 422's `fields`). */
  problems?: FieldProblem[] | undefined;
  /** The setup form asks for the owner's name before the credentials. */
  nameFirst?: boolean;
}

/**
 * The account's inputs, labelled in the page's language with the rules of
 * services/accounts/account-fields.ts as hints: the register, login and first-run setup forms.
 */
export function AccountFields(props: AccountFieldsProps) {
  const v = props.values ?? {};
  const problem = (name: string) => props.problems?.find((f) => f.field === name);
  const creating = props.purpose === "new";
  const name = creating ? (
    <Field
      name="name"
      label={{ zh: "姓名", en: "Name" }}
      value={v.name}
      autocomplete="name"
      maxlength={100}
      literal={false}
      error={problem("name")}
    />
  ) : null;
  return (
    <>
      {props.nameFirst ? name : null}
      <Field
        name="username"
        label={{ zh: "用户名", en: "Username" }}
        value={v.username}
        autocomplete="username"
        minlength={creating ? 3 : undefined}
        maxlength={64}
        hint={creating ? { zh: "3–64 个字符：字母、数字或 _ . @ -", en: "3–64 characters: letters, digits or _ . @ -" } : undefined}
        error={problem("username")}
      />
      <Field
        name="password"
        type="password"
        label={{ zh: "密码", en: "Password" }}
        autocomplete={creating ? "new-password" : "current-password"}
        minlength={creating ? 10 : undefined}
        maxlength={200}
        hint={creating ? { zh: "至少 10 个字符", en: "At least 10 characters" } : undefined}
        error={problem("password")}
      />
      {props.nameFirst ? null : name}
      {creating ? (
        <Field
          name="email"
          type="email"
          label={{ zh: "邮箱（可选）", en: "Email (optional)" }}
          value={v.email}
          autocomplete="email"
          required={false}
          maxlength={254}
          error={problem("email")}
        />
      ) : null}
    </>
  );
}

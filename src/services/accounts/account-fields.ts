import { text } from "../validate";

/** Field rules shared by registration and login (docs/http-api.md#accounts-and-sessions). */
export const USERNAME = text(/^[A-Za-z0-9_.@-]{3,64}$/, "3–64 个字符：字母、数字或 _ . @ - / 3–64 characters: letters, digits or _ . @ -");

/** Counted in code points, so a password of Chinese characters is measured as a person would. */
export const PASSWORD = text(/^[\s\S]{10,200}$/u, "10–200 个字符 / 10–200 characters");

export const NAME = text(/^(?=.*\S)[^\p{Cc}]{1,100}$/u, "1–100 个字符 / 1–100 characters");

export const EMAIL = text(/^(?=.{3,254}$)[^\s@\p{Cc}]+@[^\s@\p{Cc}]+$/u, "有效的邮箱地址 / a valid email address");

/** Usernames compare ignoring case: "ZhangSan" and "zhangsan" are one account. */
export const usernameKey = (username: string): string => username.toLowerCase();

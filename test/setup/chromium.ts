// Vitest global setup: the browser tests drive Debian's chromium (never a downloaded browser), so
// `npm test` on a fresh Debian machine installs it first when it can (root with apt-get), as
// .ci/run does; otherwise it says plainly what to install.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";

function aptInstall(): void {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["install", "-y", "chromium"], { stdio: "inherit", env });
  } catch {
    execFileSync("apt-get", ["update"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "chromium"], { stdio: "inherit", env });
  }
}

export default function setup(): void {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.log("浏览器测试需要 Debian 的 chromium，正在安装 / The browser tests need Debian's chromium: apt-get install -y chromium");
    try {
      aptInstall();
      return;
    } catch (err) {
      console.error("安装 chromium 失败 / Installing chromium failed:", err instanceof Error ? err.message : err);
    }
  }
  console.error(
    `浏览器测试需要 ${CHROMIUM}：请运行 apt-get install -y chromium / The browser tests need ${CHROMIUM}: run apt-get install -y chromium`,
  );
}

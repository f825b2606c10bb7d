import { defineCommand } from "../command";
import { fullHelp } from "../help";

/** Help takes no arguments and ignores any ("帮助 同步" still shows the help). */
export const helpCommand = defineCommand<null, Record<string, never>>({
  name: "help",
  aliases: ["帮助"],
  usage: { zh: "", en: "" },
  summary: { zh: "显示本帮助", en: "show this help" },
  adminOnly: false,
  parse: () => ({ ok: true, args: null }),
  run: () => Promise.resolve({}),
  render: (_result, ctx) => fullHelp(ctx.commands, ctx.lang),
});

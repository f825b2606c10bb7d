export * from "./teams";
export * from "./callback-inbox";
export * from "./wecom-runtime";
export * from "./directory";
export * from "./sync";
export * from "./accounts";
export * from "./invitations";
export * from "./bot";

export * from "./teams";
export * from "./callback-inbox";

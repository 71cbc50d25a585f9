export * from "./branches.ts";
export * from "./catalog.ts";
export * from "./items.ts";
export * from "./patrons.ts";
export * from "./circulation.ts";
export * from "./mail.ts";
export * from "./audit.ts";
export * from "./search.ts";

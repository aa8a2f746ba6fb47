export * from "./actor";
export * from "./members";
export * from "./invites";

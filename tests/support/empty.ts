// Stands in for the "server-only" marker package under Vitest, which runs outside Next's server bundle.
export {};

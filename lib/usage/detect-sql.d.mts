import type { DetectionExecutor } from "./detect-worker.mjs";

export type DetectionQuery = (text: string, values: unknown[], mode: "all" | "run") => unknown;

export declare const SQLITE_DETECTION: Record<string, string>;
export declare const POSTGRES_DETECTION: Record<string, string>;
export declare function sqliteDetection(query: DetectionQuery): DetectionExecutor;
export declare function postgresDetection(query: DetectionQuery): DetectionExecutor;

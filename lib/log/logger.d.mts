import type { Logger } from "pino";

export declare const log: Logger;
export declare function routeConsoleToLog(logger?: Logger): void;

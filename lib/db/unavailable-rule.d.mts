export declare function isDatabaseUnavailable(error: unknown, depth?: number): boolean;

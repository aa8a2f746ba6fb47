export declare function sqliteTime(at: Date | number): string;

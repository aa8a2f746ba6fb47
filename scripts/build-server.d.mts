export function serverBundlePath(distDir?: string): string;
export const SERVER_SOURCES: string[];
export function buildServer(distDir?: string): Promise<string>;

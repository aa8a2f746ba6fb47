export interface DetectionStep {
  op: string;
  [field: string]: unknown;
}
export type DetectionExecutor = (step: DetectionStep) => unknown;

export declare const BURST_WINDOW_MINUTES: number;
export declare const REPEAT_EVERY_MS: number;
export declare const NETWORK_QUIET_MS: number;
export declare function denialBurstThreshold(env?: Record<string, string | undefined>): number;
export declare function networkOf(ip: string | null | undefined): string | null;
export declare function detectSync(
  chunks: readonly (string | number | null)[][],
  execute: DetectionExecutor,
  threshold?: number,
): { events: number; remember(): void };
export declare function detectAsync(
  chunks: readonly (string | number | null)[][],
  execute: DetectionExecutor,
  threshold?: number,
): Promise<{ events: number; remember(): void }>;

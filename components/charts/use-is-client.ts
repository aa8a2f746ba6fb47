"use client";
import { useSyncExternalStore } from "react";

const noop = () => () => {};

/**
 * False during server rendering and hydration, true after: times are formatted in the viewer's time zone,
 * which the server does not know, so anything zone-dependent waits for the browser.
 */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );
}

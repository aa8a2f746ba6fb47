// Next.js replaces the global Date once its server loads (a wrapper that notes clock reads during
// prerendering). The verification path reads the clock on every request and has no prerendering: it keeps
// the constructor as it was when this module loaded (the original, when loaded before Next's server).
const NativeDate = Date;

/** The current time, without Next's bookkeeping. */
export function currentTime(): Date {
  return new NativeDate();
}

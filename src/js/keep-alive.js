// Keeping a request alive while it waits on work another request started, and running background
// work through a Worker's ExecutionContext.
import { ValidationError } from "./errors.js";
import { describe } from "./options.js";

/**
 * Keeps the calling request alive while it waits on work another request started: concurrent
 * requests for a key share one read and one creation, and workerd cancels a request as hung
 * when it waits on a promise with no event of its own pending. A timer is such an event. The
 * result may arrive from the other request's context, where this request's timer cannot be
 * touched, so the timer re-arms itself until it sees the result rather than being cleared.
 */
export function holdOpen(promise) {
  // Work that needed no I/O (a memory backend, a synchronous creator) is already done: the
  // core returned its result rather than a promise.
  if (!(promise instanceof Promise)) return promise;
  let timer;
  const tick = () => {
    // unref: in Node the timer must not keep a finished script alive
    timer = setTimeout(tick, 1000);
    timer?.unref?.();
  };
  tick();
  // Cleared on settling: a pending timer per finished call would pile up under load.
  return promise.finally(() => clearTimeout(timer));
}

/** `(key, run) => ctx.waitUntil(run())` for a Workers ExecutionContext. */
export function waitUntilRunner(ctx) {
  if (ctx === undefined) return undefined;
  if (ctx === null || typeof ctx.waitUntil !== "function") {
    throw new ValidationError(`ctx must be an ExecutionContext (with waitUntil), got ${describe(ctx)}`);
  }
  return (key, run) => ctx.waitUntil(run());
}

// Keeping a request alive while it waits on work another request started, and running background
// work through a Worker's ExecutionContext.
import { ValidationError } from "./errors.js";
import { describe } from "./options.js";

/**
 * Keeps the calling request alive while one of its calls waits on work another call started:
 * concurrent requests for a key share one read and one creation, and workerd cancels a request
 * as hung when it waits on a promise with no event of its own pending. A timer is such an event.
 * The core arms one only when a call joins another call's work (a call doing its own I/O is kept
 * alive by that I/O, and a timer per call costs a KV hit measurably). The wait may end in the
 * other request's context, where this request's timer cannot be touched, so the timer re-arms
 * itself until it sees that the wait is over rather than relying on being cleared. Ended there,
 * it stays armed one tick more: the answer reaches this request's context after the end, and a
 * tick falling between the two found nothing left to wait for (the request was cancelled as hung,
 * about 1 in 6 runs of the 8-isolate KV-lease stampede). Returns the function that ends it.
 */
export function keepAlive() {
  let done = false;
  let last = false; // the tick after the end: re-armed once more
  /** @type {any} a number in workerd and browsers, an object with unref() in Node */
  let timer;
  const tick = () => {
    if (done) {
      if (last) return;
      last = true;
    }
    timer = setTimeout(tick, 1000);
    timer?.unref?.(); // in Node the timer must not keep a finished script alive
  };
  tick();
  return () => {
    done = true;
    try {
      clearTimeout(timer);
    } catch {
      // armed in another request's context: it stops at its next tick
    }
  };
}

/**
 * `(key, run) => ctx.waitUntil(run())` for a Workers ExecutionContext; undefined without one
 * (getOrCreate's `ctx` is optional).
 * @overload
 * @param {import("./index.js").ExecutionContextLike} ctx
 * @returns {(key: string, run: () => Promise<void>) => void}
 */
/**
 * @overload
 * @param {undefined} ctx
 * @returns {undefined}
 */
/**
 * @param {import("./index.js").ExecutionContextLike | undefined} ctx
 * @returns {((key: string, run: () => Promise<void>) => void) | undefined}
 */
export function waitUntilRunner(ctx) {
  if (ctx === undefined) return undefined;
  if (ctx === null || typeof ctx.waitUntil !== "function") {
    throw new ValidationError(`ctx must be an ExecutionContext (with waitUntil), got ${describe(ctx)}`);
  }
  return (key, run) => ctx.waitUntil(run());
}

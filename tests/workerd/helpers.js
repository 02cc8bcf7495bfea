// Test helpers: a fake clock (workerd's clock stands still during computation), deferred
// promises to hold a creator open, a flush of pending microtasks, and the smallest backend.
import { NO_VALUE } from "../../src/js/workerd.js";

export { fakeClock } from "./fake-clock.js";

export function deferred() {
  let resolve, reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every promise chain that can progress without I/O do so. */
export async function settle(turns = 20) {
  for (let i = 0; i < turns; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
}

/** Tracks which promises have resolved, without awaiting them. */
export function track(promises) {
  const state = promises.map(() => ({ done: false, value: undefined, error: undefined }));
  promises.forEach((p, i) =>
    p.then(
      (v) => Object.assign(state[i], { done: true, value: v }),
      (e) => Object.assign(state[i], { done: true, error: e }),
    ),
  );
  return state;
}

/** The smallest custom backend: a Map, get/set/delete only (the multi forms are filled in). */
export function mapBackend() {
  const map = new Map();
  return {
    get: (key) => (map.has(key) ? map.get(key) : NO_VALUE),
    set: (key, value) => void map.set(key, value),
    delete: (key) => void map.delete(key),
  };
}

// The keep-alive of a call waiting on another request's work (src/js/keep-alive.js), with the
// runtime's timers replaced by a table the test fires by hand. A clearTimeout that throws stands
// for an end called from another request's context, where this request's timer cannot be touched.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { keepAlive } from "../../src/js/keep-alive.js";

let timers; // id → { fn, ms }
let clearable; // false: clearTimeout throws, as from another request's context
const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };

beforeEach(() => {
  timers = new Map();
  clearable = true;
  let next = 1;
  globalThis.setTimeout = (fn, ms) => {
    const id = next++;
    timers.set(id, { fn, ms });
    return id;
  };
  globalThis.clearTimeout = (id) => {
    if (!clearable) throw new Error("timer of another request");
    timers.delete(id);
  };
});

afterEach(() => {
  globalThis.setTimeout = real.setTimeout;
  globalThis.clearTimeout = real.clearTimeout;
});

/** Fires every armed timer once (those they arm wait for the next call). */
function fireAll() {
  const due = [...timers];
  timers.clear();
  for (const [, t] of due) t.fn();
}

describe("keepAlive", () => {
  it("keeps one timer armed, a second apart, until ended", () => {
    keepAlive();
    for (let i = 0; i < 5; i++) {
      expect([...timers.values()].map((t) => t.ms)).toEqual([1000]);
      fireAll();
    }
    expect(timers.size).toBe(1);
  });

  it("ended in its own request, its timer is cleared at once", () => {
    const end = keepAlive();
    end();
    expect(timers.size).toBe(0);
  });

  it("ended from another request's context, it stays armed one tick more, then stops", () => {
    const end = keepAlive();
    clearable = false;
    end(); // the other request's work is done; this request's answer is still on its way
    expect(timers.size).toBe(1);
    fireAll(); // a tick before the answer arrives must not leave the request with nothing armed
    expect(timers.size).toBe(1);
    fireAll();
    expect(timers.size).toBe(0);
  });
});

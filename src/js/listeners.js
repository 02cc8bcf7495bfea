// A region's event listeners: `region.on(event, listener)`, checked against the core's event
// names (src/schema.rs); a listener that throws never fails the cache call that emitted the event.
import { ValidationError } from "./errors.js";
import { checkFunction, describe } from "./options.js";
import { schema } from "./schema.js";

export class Listeners {
  #byEvent = new Map(); // event name (or "*") → Set of listeners
  #changed;

  /** `changed(any)` is told whenever there come to be listeners, or none are left. */
  constructor(changed) {
    this.#changed = changed;
  }

  get any() {
    for (const set of this.#byEvent.values()) if (set.size > 0) return true;
    return false;
  }

  /** Adds `listener` for `event`; returns the function that removes it. */
  add(event, listener) {
    const events = schema().events;
    if (event !== "*" && !events.includes(event)) {
      throw new ValidationError(`unknown event ${describe(event)}; events: ${events.join(", ")}, or "*"`);
    }
    checkFunction(listener, "listener");
    if (!this.#byEvent.has(event)) this.#byEvent.set(event, new Set());
    this.#byEvent.get(event).add(listener);
    this.#changed(this.any);
    return () => {
      this.#byEvent.get(event)?.delete(listener);
      this.#changed(this.any);
    };
  }

  dispatch(type, key, ok, error) {
    const event = { type, key, ok, error };
    for (const name of [type, "*"]) {
      for (const listener of this.#byEvent.get(name) ?? []) {
        try {
          listener(event);
        } catch {
          // a failing listener must not fail the cache call that emitted the event
        }
      }
    }
  }
}

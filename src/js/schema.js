// The names and defaults defined once in the Rust core (src/schema.rs): events, counters, error
// classes, degradation options, defaults, platform limits. Read from the module on first use (the module is
// instantiated by the entry file after this one is evaluated), then kept.
import { schema as read } from "../../pkg/edgepile.js";

let cached;

/** `{ events, stats, errors, degradation, defaults, limits, codes }`. */
export function schema() {
  cached ??= read();
  return cached;
}

// Recipe 3: prefixing all keys, so a shared store can tell edgepile's keys from the rest.
// dogpile mangles keys for Redis; here the raw store keys are listed to show the prefix.
//   node examples/recipes/3-prefix-keys.js
import { makeRegion, prefixMangler } from "edgepile";

export async function run(print = console.log) {
  const region = makeRegion({ keyMangler: prefixMangler("myapp:") }).configure("edgepile.memory");
  await region.set("some_key", "value");
  await region.getOrCreate("other_key", () => 42);
  await region.getOrCreateMulti(["a", "b"], (...keys) => keys.map((k) => k.toUpperCase()));
  print(await region.get("some_key"));
  print(JSON.stringify(region.actualBackend.keys().sort()));
}

if (typeof process !== "undefined" && import.meta.url === `file://${process.argv[1]}`) await run();

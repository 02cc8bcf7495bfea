// Recipe 4: encoding values with a proxy (dogpile's MsgpackProxy), with @msgpack/msgpack.
// The proxy's bytes are exactly what the store keeps: nothing encodes them a second time.
//   node examples/recipes/4-msgpack-proxy.js
import { decode, encode } from "@msgpack/msgpack";
import { CachedValue, makeRegion, NO_VALUE, ProxyBackend } from "edgepile";

export class MsgpackProxy extends ProxyBackend {
  set(key, value) {
    // value is a CachedValue; pack it as dogpile packs its (payload, metadata) tuple
    return this.proxied.set(key, encode([value.payload, value.metadata]));
  }

  async get(key) {
    const value = await this.proxied.get(key);
    if (value === NO_VALUE) return value;
    const [payload, metadata] = decode(value);
    return new CachedValue(payload, metadata);
  }
}

export async function run(print = console.log) {
  const region = makeRegion().configure("edgepile.memory", { wrap: [MsgpackProxy] });
  await region.set("user:1", { name: "ada", langs: ["en", "fr"] });
  print(JSON.stringify(await region.get("user:1")));
  const stored = region.actualBackend.get("user:1");
  print(`stored ${stored.length} bytes; unpacked: ${JSON.stringify(decode(stored)[0])}`);
  return stored;
}

if (typeof process !== "undefined" && import.meta.url === `file://${process.argv[1]}`) await run();

// Backends by name (dogpile's register_backend), and plain objects accepted as backends.
import { ValidationError } from "../errors.js";
import { describe } from "../options.js";
import { ProxyBackend } from "../proxy.js";
import { CacheApiBackend } from "./cache-api.js";
import { DurableObjectBackend } from "./durable-object.js";
import { KvBackend } from "./kv.js";

/** Backends the Rust core holds itself (values stay in wasm, hits are synchronous). */
export const CORE_BACKENDS = ["edgepile.memory", "edgepile.null"];

const factories = new Map([
  ["edgepile.cloudflare_kv", (args, region) => new KvBackend(args, region)],
  ["edgepile.cloudflare_cache", (args, region) => new CacheApiBackend(args, region)],
  ["edgepile.durable_object", (args, region) => new DurableObjectBackend(args, region)],
]);

/**
 * Makes `name` usable in `configure(name, { arguments })`: `factory(arguments, { expirationTime })`
 * returns an object with get/set/delete (the multi forms are optional).
 */
export function registerBackend(name, factory) {
  if (typeof name !== "string" || name === "") throw new ValidationError(`a backend name must be a non-empty string, got ${describe(name)}`);
  if (CORE_BACKENDS.includes(name)) throw new ValidationError(`${name} is built in and cannot be replaced`);
  if (typeof factory !== "function") throw new ValidationError(`registerBackend needs a factory function, got ${describe(factory)}`);
  factories.set(name, factory);
}

export function knownBackends() {
  return [...CORE_BACKENDS, ...factories.keys()];
}

/** Fills in the multi forms an object backend leaves out, through its single-key methods. */
class ObjectBackend extends ProxyBackend {
  constructor(target) {
    super();
    this.target = target;
    this.proxied = target;
  }
  get(key) {
    return this.target.get(key);
  }
  set(key, value, options) {
    return this.target.set(key, value, options);
  }
  delete(key) {
    return this.target.delete(key);
  }
  getMulti(keys) {
    return typeof this.target.getMulti === "function" ? this.target.getMulti(keys) : super.getMulti(keys);
  }
  setMulti(mapping, options) {
    return typeof this.target.setMulti === "function" ? this.target.setMulti(mapping, options) : super.setMulti(mapping, options);
  }
  deleteMulti(keys) {
    return typeof this.target.deleteMulti === "function" ? this.target.deleteMulti(keys) : super.deleteMulti(keys);
  }
  keys() {
    return typeof this.target.keys === "function" ? this.target.keys() : undefined;
  }
}

export function isBackendObject(v) {
  return v !== null && typeof v === "object" && ["get", "set", "delete"].every((m) => typeof v[m] === "function");
}

/** The terminal backend for a registered name or an object. */
export function makeBackend(backend, args, region) {
  if (isBackendObject(backend)) return backend instanceof ProxyBackend ? backend : new ObjectBackend(backend);
  const factory = factories.get(backend);
  if (factory === undefined) {
    throw new ValidationError(`unknown backend ${describe(backend)}; known: ${knownBackends().join(", ")}, or an object with get/set/delete`);
  }
  const made = factory(args, region);
  if (!isBackendObject(made)) throw new ValidationError(`the factory of ${backend} must return an object with get/set/delete`);
  return made instanceof ProxyBackend || made instanceof KvBackend || made instanceof CacheApiBackend || made instanceof DurableObjectBackend
    ? made
    : new ObjectBackend(made);
}

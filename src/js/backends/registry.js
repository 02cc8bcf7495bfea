// Backends by name (dogpile's register_backend), and plain objects accepted as backends.
import { ValidationError } from "../errors.js";
import { describe } from "../options.js";
import { ProxyBackend } from "../proxy.js";
import { CacheApiBackend } from "./cache-api.js";
import { DurableObjectBackend } from "./durable-object.js";
import { KvBackend } from "./kv.js";

/** Backends the Rust core holds itself (values stay in wasm, hits are synchronous). */
export const CORE_BACKENDS = ["edgepile.memory", "edgepile.null"];

// A factory's arguments are whatever configure was given: checked by name for the built-in
// backends (BACKEND_ARGUMENTS), the factory's own to check for a registered one.
/** @typedef {(args: any, region: { expirationTime?: number, backendTimeout?: number }) => import("../index.js").BackendObject} Factory */
/** @type {Map<string, Factory>} */
const factories = new Map(
  /** @type {[string, Factory][]} */ ([
    ["edgepile.cloudflare_kv", (args, region) => new KvBackend(args, region)],
    ["edgepile.cloudflare_cache", (args, region) => new CacheApiBackend(args, region)],
    ["edgepile.durable_object", (args, region) => new DurableObjectBackend(args, region)],
  ]),
);

/**
 * Makes `name` usable in `configure(name, { arguments })`: `factory(arguments, { expirationTime })`
 * returns an object with get/set/delete (the multi forms are optional).
 */
export function registerBackend(name, factory) {
  if (typeof name !== "string" || name === "")
    throw new ValidationError(`a backend name must be a non-empty string, got ${describe(name)}`);
  if (CORE_BACKENDS.includes(name)) throw new ValidationError(`${name} is built in and cannot be replaced`);
  if (typeof factory !== "function") throw new ValidationError(`registerBackend needs a factory function, got ${describe(factory)}`);
  factories.set(name, factory);
}

export function knownBackends() {
  return [...CORE_BACKENDS, ...factories.keys()];
}

/**
 * Fills in the multi forms an object backend leaves out. It overrides the single-key methods,
 * which is what makes ProxyBackend's multi forms go through them.
 */
class ObjectBackend extends ProxyBackend {
  constructor(target) {
    super();
    this.proxied = target;
  }
  get(key) {
    return this.proxied.get(key);
  }
  set(key, value, options) {
    return this.proxied.set(key, value, options);
  }
  delete(key) {
    return this.proxied.delete(key);
  }
  keys() {
    return typeof this.proxied.keys === "function" ? this.proxied.keys() : undefined;
  }
  /** The object's own lease client, if it brings one (as edgepile.redis does). */
  get leases() {
    return this.proxied.leases;
  }
}

const hasMultiForms = (b) => ["getMulti", "setMulti", "deleteMulti"].every((m) => typeof b[m] === "function");
const completed = (b) => (b instanceof ProxyBackend || hasMultiForms(b) ? b : new ObjectBackend(b));

export function isBackendObject(v) {
  return v !== null && typeof v === "object" && ["get", "set", "delete"].every((m) => typeof v[m] === "function");
}

/** The terminal backend for a registered name or an object. */
export function makeBackend(backend, args, region) {
  if (isBackendObject(backend)) return completed(backend);
  const factory = factories.get(backend);
  if (factory === undefined) {
    throw new ValidationError(
      `unknown backend ${describe(backend)}; known: ${knownBackends().join(", ")}, or an object with get/set/delete`,
    );
  }
  const made = factory(args, region);
  if (!isBackendObject(made)) throw new ValidationError(`the factory of ${backend} must return an object with get/set/delete`);
  return completed(made);
}

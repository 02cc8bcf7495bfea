// ProxyBackend: the base of every proxy in a `wrap: [...]` chain, as dogpile's. A subclass
// overrides any of get/set/delete/getMulti/setMulti/deleteMulti and calls `this.proxied`;
// methods may return values or promises.
import { ValidationError } from "./errors.js";
import { describe } from "./options.js";

/**
 * @typedef {import("./index.js").BackendLike} BackendLike
 * @typedef {import("./index.js").StoredItem} StoredItem
 * @typedef {import("./index.js").WriteOptions} WriteOptions
 */

/** @param {"get" | "set" | "delete"} name */
const own = (proxy, name) => proxy[name] !== ProxyBackend.prototype[name];

export class ProxyBackend {
  /**
   * The backend (or next proxy) this one forwards to. Typed as always set: buildChain wraps
   * every proxy before the region makes any call through it.
   * @type {BackendLike}
   */
  proxied = /** @type {BackendLike} */ (/** @type {unknown} */ (undefined));

  /**
   * Points this proxy at `backend`; returns the proxy.
   * @param {BackendLike} backend
   */
  wrap(backend) {
    if (backend === null || typeof backend !== "object" || typeof backend.get !== "function") {
      throw new ValidationError(`a proxy can only wrap a backend object, got ${describe(backend)}`);
    }
    this.proxied = backend;
    return this;
  }

  /**
   * @param {string} key
   * @returns {StoredItem | Promise<StoredItem>}
   */
  get(key) {
    return this.proxied.get(key);
  }

  /**
   * `options` carries `{ ttl }` (seconds, -1 never) for stores that expire entries physically.
   * @param {string} key
   * @param {StoredItem} value
   * @param {WriteOptions} [options]
   * @returns {void | Promise<void>}
   */
  set(key, value, options) {
    return this.proxied.set(key, value, options);
  }

  /**
   * @param {string} key
   * @returns {void | Promise<void>}
   */
  delete(key) {
    return this.proxied.delete(key);
  }

  // The multi forms go through this proxy's own single-key methods when a subclass overrides
  // those and not these, so a proxy that only transforms get/set sees every value.
  /**
   * @param {string[]} keys
   * @returns {StoredItem[] | Promise<StoredItem[]>}
   */
  getMulti(keys) {
    if (own(this, "get")) return Promise.all(keys.map((k) => this.get(k)));
    return this.proxied.getMulti(keys);
  }

  /**
   * @param {Record<string, StoredItem>} mapping
   * @param {WriteOptions} [options]
   * @returns {Promise<void>}
   */
  async setMulti(mapping, options) {
    if (own(this, "set")) {
      for (const k of Object.keys(mapping)) await this.set(k, mapping[k], options);
      return;
    }
    return this.proxied.setMulti(mapping, options);
  }

  /**
   * @param {string[]} keys
   * @returns {Promise<void>}
   */
  async deleteMulti(keys) {
    if (own(this, "delete")) {
      for (const k of keys) await this.delete(k);
      return;
    }
    return this.proxied.deleteMulti(keys);
  }
}

/**
 * Builds the chain for `wrap: [...]` over `terminal`: the first item ends up outermost.
 * Items are ProxyBackend subclasses (instantiated with no arguments) or instances.
 */
export function buildChain(wrap, terminal) {
  if (!Array.isArray(wrap)) throw new ValidationError(`wrap must be an array of proxies, got ${describe(wrap)}`);
  let current = terminal;
  for (const item of [...wrap].reverse()) {
    const proxy = typeof item === "function" ? new item() : item;
    if (proxy === null || typeof proxy !== "object" || typeof proxy.wrap !== "function") {
      throw new ValidationError(`wrap takes ProxyBackend classes or instances, got ${describe(item)}`);
    }
    current = proxy.wrap(current) ?? proxy;
  }
  return current;
}

// "edgepile.cloudflare_cache": a region over the Cache API, per data centre (not replicated).
// Each key is a synthetic URL; each value a Response whose Cache-Control max-age covers its
// expiry plus `staleTtl`. `arguments.cacheName` opens a named cache; default `caches.default`.
import { ValidationError, BackendError } from "../errors.js";
import { NO_VALUE } from "../no-value.js";
import { encodeItem, keptFor, staleWindow } from "./items.js";

const YEAR = 365 * 24 * 3600;
const KIND = "x-edgepile-kind";

export class CacheApiBackend {
  constructor(args = {}, region = {}) {
    const { cacheName, baseUrl = "https://edgepile.cache.invalid/", staleTtl } = args;
    if (cacheName !== undefined && typeof cacheName !== "string") throw new ValidationError("cacheName must be a string");
    if (typeof baseUrl !== "string" || !/^https?:\/\//.test(baseUrl)) throw new ValidationError("baseUrl must be an http(s) URL");
    if (typeof caches === "undefined") throw new ValidationError("edgepile.cloudflare_cache needs the Cache API (caches), as in a Worker");
    this.cacheName = cacheName;
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
    this.stale = staleWindow(staleTtl, region);
    this.defaultTtl = typeof region.expirationTime === "number" ? region.expirationTime : undefined;
  }

  #cache() {
    return this.cacheName === undefined ? caches.default : caches.open(this.cacheName);
  }

  url(key) {
    // encodeURIComponent leaves "." as it is and a URL drops "." and ".." path segments, so "",
    // "." and ".." would all be the base URL, one entry. They get a leading "=", which
    // encodeURIComponent never emits, so no other key is spelled the same.
    if (key === "" || key === "." || key === "..") return `${this.baseUrl}=${key}`;
    return this.baseUrl + encodeURIComponent(key);
  }

  async get(key) {
    try {
      const res = await (await this.#cache()).match(this.url(key));
      if (!res) return NO_VALUE;
      const kind = res.headers.get(KIND);
      return kind === "text" ? await res.text() : new Uint8Array(await res.arrayBuffer());
    } catch (e) {
      throw new BackendError(`Cache API read of ${JSON.stringify(key)} failed`, { cause: e });
    }
  }

  async set(key, item, options) {
    const { bytes, text } = encodeItem(item);
    const ttl = options?.ttl ?? this.defaultTtl;
    const maxAge = keptFor(ttl, this.stale, 1) ?? YEAR;
    // Bytes here are never over a SharedArrayBuffer (values holding one are refused, codecs and
    // the envelope make fresh buffers), which is what BodyInit's type rules out.
    const res = new Response(/** @type {BodyInit} */ (bytes ?? text), {
      headers: { "Cache-Control": `max-age=${maxAge}`, [KIND]: bytes === undefined ? "text" : "binary" },
    });
    try {
      await (await this.#cache()).put(this.url(key), res);
    } catch (e) {
      throw new BackendError(`Cache API write of ${JSON.stringify(key)} failed`, { cause: e });
    }
  }

  async delete(key) {
    try {
      await (await this.#cache()).delete(this.url(key));
    } catch (e) {
      throw new BackendError(`Cache API delete of ${JSON.stringify(key)} failed`, { cause: e });
    }
  }

  getMulti(keys) {
    return Promise.all(keys.map((k) => this.get(k)));
  }

  async setMulti(mapping, options) {
    await Promise.all(Object.keys(mapping).map((k) => this.set(k, mapping[k], options)));
  }

  async deleteMulti(keys) {
    await Promise.all(keys.map((k) => this.delete(k)));
  }
}

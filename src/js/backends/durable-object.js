// "edgepile.durable_object": a region over EdgepileStore Durable Objects.
// `arguments.namespace` is the binding of EdgepileStore; keys are spread over `shards` objects
// (default 1: every key in one strongly consistent object).
import { ValidationError, BackendError } from "../errors.js";
import { NO_VALUE } from "../no-value.js";
import { encodeItem, keptFor, staleWindow } from "./items.js";

function plain(item) {
  // RPC carries plain data: a CachedValue goes as { payload, metadata }.
  return item !== null && typeof item === "object" && "metadata" in item && "payload" in item
    ? { payload: item.payload, metadata: { ...item.metadata } }
    : item;
}

/** An item as bytes: a CachedValue as the envelope, a codec's output as it is. */
function asBytes(item) {
  const { bytes, text } = encodeItem(item);
  return bytes ?? text;
}

function hash(key) {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return h >>> 0;
}

export class DurableObjectBackend {
  constructor(args, region = {}) {
    const { namespace, name = "edgepile", shards = 1, staleTtl } = args;
    if (namespace === null || typeof namespace !== "object" || typeof namespace.idFromName !== "function") {
      throw new ValidationError("edgepile.durable_object needs arguments.namespace: the binding of the EdgepileStore class");
    }
    if (!Number.isSafeInteger(shards) || shards < 1) throw new ValidationError("shards must be a positive integer");
    this.namespace = namespace;
    this.name = name;
    this.shards = shards;
    this.stale = staleWindow(staleTtl, region);
    this.defaultTtl = typeof region.expirationTime === "number" ? region.expirationTime : undefined;
  }

  #stub(shard) {
    return this.namespace.get(this.namespace.idFromName(`${this.name}:${shard}`));
  }

  #byShard(keys) {
    const groups = new Map();
    keys.forEach((k, i) => {
      const s = this.shards === 1 ? 0 : hash(k) % this.shards;
      if (!groups.has(s)) groups.set(s, []);
      groups.get(s).push([k, i]);
    });
    return groups;
  }

  async #call(what, run) {
    try {
      return await run();
    } catch (e) {
      throw new BackendError(`Durable Object ${what} failed`, { cause: e });
    }
  }

  async getMulti(keys) {
    const out = new Array(keys.length).fill(NO_VALUE);
    await Promise.all(
      [...this.#byShard(keys)].map(async ([shard, pairs]) => {
        const items = await this.#call("read", () => this.#stub(shard).getMulti(pairs.map((p) => p[0])));
        pairs.forEach(([, i], j) => {
          if (items[j] !== null && items[j] !== undefined) out[i] = items[j];
        });
      }),
    );
    return out;
  }

  async get(key) {
    return (await this.getMulti([key]))[0];
  }

  async setMulti(mapping, options) {
    const ttl = options?.ttl ?? this.defaultTtl;
    const seconds = keptFor(ttl, this.stale, 1);
    const expires = seconds === undefined ? 0 : Date.now() + seconds * 1000;
    const keys = Object.keys(mapping);
    await Promise.all(
      [...this.#byShard(keys)].map(([shard, pairs]) =>
        this.#call("write", async () => {
          try {
            return await this.#stub(shard).setMulti(
              pairs.map(([k]) => [k, plain(mapping[k])]),
              expires,
            );
          } catch (e) {
            // RPC refuses a few values storage would keep (null-prototype objects): those batches
            // go as edgepile's envelope, which reads back the same.
            if (e?.name !== "DataCloneError") throw e;
            return this.#stub(shard).setMulti(
              pairs.map(([k]) => [k, asBytes(mapping[k])]),
              expires,
            );
          }
        }),
      ),
    );
  }

  set(key, item, options) {
    return this.setMulti({ [key]: item }, options);
  }

  async deleteMulti(keys) {
    await Promise.all(
      [...this.#byShard(keys)].map(([shard, pairs]) => this.#call("delete", () => this.#stub(shard).deleteMulti(pairs.map((p) => p[0])))),
    );
  }

  delete(key) {
    return this.deleteMulti([key]);
  }

  /** Every stored key, over all shards. */
  async keys() {
    const all = await Promise.all(Array.from({ length: this.shards }, (_, s) => this.#stub(s).keys()));
    return all.flat();
  }
}

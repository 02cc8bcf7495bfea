// Injects the failures a real store shows, for testing how an application (and edgepile)
// behaves under them: errors per operation, added latency, KV-style 429s on writes, hangs,
// and corrupted bytes on reads. Deterministic for a given `seed`.
import { ValidationError } from "../errors.js";
import { NO_VALUE } from "../no-value.js";
import { ProxyBackend } from "../proxy.js";

const OPERATIONS = ["get", "set", "delete", "getMulti", "setMulti", "deleteMulti"];

/** A small seeded PRNG (mulberry32): tests replay the same faults. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rate(value, what) {
  if (value === undefined) return 0;
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) throw new ValidationError(`${what} must be a probability in [0, 1]`);
  return value;
}

export class FaultProxy extends ProxyBackend {
  /**
   * @param {object} [options]
   * @param {number | Record<string, number>} [options.errorRate] per operation or for all: throws an Error
   * @param {number} [options.tooManyWritesRate] writes fail as KV's "429 Too Many Requests"
   * @param {number} [options.hangRate] the operation never answers (or after `hangMs`)
   * @param {number} [options.hangMs] how long a hang lasts (default: forever)
   * @param {number} [options.corruptRate] reads return random bytes instead of the stored item
   * @param {number} [options.latencyMs] added to every operation
   * @param {number} [options.seed]
   */
  constructor(options = {}) {
    super();
    const { errorRate = 0, tooManyWritesRate, hangRate, hangMs, corruptRate, latencyMs = 0, seed = 1 } = options;
    this.errorRate = Object.fromEntries(
      OPERATIONS.map((op) => [op, rate(typeof errorRate === "number" ? errorRate : errorRate[op], `errorRate.${op}`)]),
    );
    this.tooManyWritesRate = rate(tooManyWritesRate, "tooManyWritesRate");
    this.hangRate = rate(hangRate, "hangRate");
    this.corruptRate = rate(corruptRate, "corruptRate");
    this.hangMs = hangMs;
    this.latencyMs = latencyMs;
    this.random = random(seed);
    /** What was injected, per kind. */
    this.injected = { errors: 0, tooManyWrites: 0, hangs: 0, corrupt: 0 };
  }

  /** At most one fault per operation: a hang, a 429 (writes) or an error. True if it hung. */
  async #fault(op) {
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    const draw = this.random();
    const write = op.startsWith("set");
    const tooMany = write ? this.tooManyWritesRate : 0;
    if (draw < this.hangRate) {
      this.injected.hangs++;
      await new Promise((r) => (this.hangMs === undefined ? undefined : setTimeout(r, this.hangMs)));
      return true;
    } else if (draw < this.hangRate + tooMany) {
      this.injected.tooManyWrites++;
      throw new Error("KV PUT failed: 429 Too Many Requests (injected)");
    } else if (draw < this.hangRate + tooMany + this.errorRate[op]) {
      this.injected.errors++;
      throw new Error(`${op} failed (injected)`);
    }
    return false;
  }

  #corrupt(item, hung) {
    if (hung || item === NO_VALUE || this.random() >= this.corruptRate) return item;
    this.injected.corrupt++;
    const bytes = new Uint8Array(1 + Math.floor(this.random() * 64));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(this.random() * 256);
    return bytes;
  }

  async get(key) {
    const hung = await this.#fault("get");
    return this.#corrupt(await this.proxied.get(key), hung);
  }

  async getMulti(keys) {
    const hung = await this.#fault("getMulti");
    return (await this.proxied.getMulti(keys)).map((item) => this.#corrupt(item, hung));
  }

  async set(key, value, options) {
    await this.#fault("set");
    return this.proxied.set(key, value, options);
  }

  async setMulti(mapping, options) {
    await this.#fault("setMulti");
    return this.proxied.setMulti(mapping, options);
  }

  async delete(key) {
    await this.#fault("delete");
    return this.proxied.delete(key);
  }

  async deleteMulti(keys) {
    await this.#fault("deleteMulti");
    return this.proxied.deleteMulti(keys);
  }
}

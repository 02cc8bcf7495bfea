// Exact leases through the LeaseCoordinator Durable Object: one object per lease key.
import { ValidationError } from "../errors.js";

export class DurableObjectLeases {
  constructor(namespace, prefix = "edgepile-lock:") {
    if (namespace === null || typeof namespace !== "object" || typeof namespace.idFromName !== "function") {
      throw new ValidationError("lockNamespace must be the binding of the LeaseCoordinator Durable Object class");
    }
    this.namespace = namespace;
    this.prefix = prefix;
  }

  #stub(key) {
    return this.namespace.get(this.namespace.idFromName(this.prefix + key));
  }

  async acquire(key, ttlSeconds) {
    return (await this.#stub(key).acquire(key, Math.ceil(ttlSeconds * 1000))) ?? null;
  }

  async release(key, token) {
    await this.#stub(key).release(key, token);
  }
}

// cache-manager 7 over Redis through Keyv's @keyv/redis store, as cache-manager's README shows.
import KeyvRedis from "@keyv/redis";
import { createCache } from "cache-manager";
import { Keyv } from "keyv";

export function open(url) {
  const cache = createCache({ stores: [new Keyv({ store: new KeyvRedis(url) })] });
  return {
    getOrCreate: (key, create) => cache.wrap(key, create, 3_600_000),
    close: () => cache.disconnect(),
  };
}

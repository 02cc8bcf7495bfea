// The JS sources against the public types: each export of src/js (reached by its own module,
// as "./index.js" itself resolves to index.d.ts) must be assignable to what index.d.ts declares.
import type * as Api from "../../src/js/index.js";
import * as registry from "../../src/js/backends/registry.js";
import * as region from "../../src/js/region.js";
import * as keys from "../../src/js/keys.js";
import * as proxy from "../../src/js/proxy.js";
import * as stats from "../../src/js/proxies/stats.js";
import * as json from "../../src/js/proxies/json.js";
import * as compression from "../../src/js/proxies/compression.js";
import * as fault from "../../src/js/proxies/fault.js";
import * as kv from "../../src/js/backends/kv.js";
import * as cacheApi from "../../src/js/backends/cache-api.js";
import * as durableObject from "../../src/js/backends/durable-object.js";
import * as redis from "../../src/js/backends/redis.js";
import * as leases from "../../src/js/leases/kv.js";
import * as doLeases from "../../src/js/leases/durable-object.js";
import * as coherence from "../../src/js/coherence/redis.js";
import * as cachedValue from "../../src/js/cached-value.js";
import * as noValue from "../../src/js/no-value.js";
import * as errors from "../../src/js/errors.js";
import * as install from "../../src/js/install.js";
import * as redisLeases from "../../src/js/leases/redis.js";

export const checked: {
  makeRegion: typeof Api.makeRegion;
  registerBackend: typeof Api.registerBackend;
  waitUntilRunner: typeof Api.waitUntilRunner;
  functionKeyGenerator: typeof Api.functionKeyGenerator;
  kwargFunctionKeyGenerator: typeof Api.kwargFunctionKeyGenerator;
  functionMultiKeyGenerator: typeof Api.functionMultiKeyGenerator;
  sha1MangleKey: typeof Api.sha1MangleKey;
  sha256MangleKey: typeof Api.sha256MangleKey;
  lengthConditionalMangler: typeof Api.lengthConditionalMangler;
  prefixMangler: typeof Api.prefixMangler;
  ProxyBackend: typeof Api.ProxyBackend;
  StatsProxy: typeof Api.StatsProxy;
  JsonCodecProxy: typeof Api.JsonCodecProxy;
  CompressionProxy: typeof Api.CompressionProxy;
  FaultProxy: typeof Api.FaultProxy;
  KvBackend: typeof Api.KvBackend;
  CacheApiBackend: typeof Api.CacheApiBackend;
  DurableObjectBackend: typeof Api.DurableObjectBackend;
  RedisBackend: typeof Api.RedisBackend;
  KvLeases: typeof Api.KvLeases;
  DurableObjectLeases: typeof Api.DurableObjectLeases;
  RedisCoherence: typeof Api.RedisCoherence;
  CachedValue: typeof Api.CachedValue;
  NO_VALUE: typeof Api.NO_VALUE;
  EdgepileError: typeof Api.EdgepileError;
  ValidationError: typeof Api.ValidationError;
  encodeCachedValue: typeof Api.encodeCachedValue;
  decodeCachedValue: typeof Api.decodeCachedValue;
} = {
  makeRegion: region.makeRegion,
  registerBackend: registry.registerBackend,
  waitUntilRunner: region.waitUntilRunner,
  functionKeyGenerator: keys.functionKeyGenerator,
  kwargFunctionKeyGenerator: keys.kwargFunctionKeyGenerator,
  functionMultiKeyGenerator: keys.functionMultiKeyGenerator,
  sha1MangleKey: keys.sha1MangleKey,
  sha256MangleKey: keys.sha256MangleKey,
  lengthConditionalMangler: keys.lengthConditionalMangler,
  prefixMangler: keys.prefixMangler,
  ProxyBackend: proxy.ProxyBackend,
  StatsProxy: stats.StatsProxy,
  JsonCodecProxy: json.JsonCodecProxy,
  CompressionProxy: compression.CompressionProxy,
  FaultProxy: fault.FaultProxy,
  KvBackend: kv.KvBackend,
  CacheApiBackend: cacheApi.CacheApiBackend,
  DurableObjectBackend: durableObject.DurableObjectBackend,
  RedisBackend: redis.RedisBackend,
  KvLeases: leases.KvLeases,
  DurableObjectLeases: doLeases.DurableObjectLeases,
  RedisCoherence: coherence.RedisCoherence,
  CachedValue: cachedValue.CachedValue,
  NO_VALUE: noValue.NO_VALUE,
  EdgepileError: errors.EdgepileError,
  ValidationError: errors.ValidationError,
  encodeCachedValue: install.encodeCachedValue,
  decodeCachedValue: install.decodeCachedValue,
};

// Made by RedisBackend (its constructor is not public): its instances are checked.
type Assignable<T extends U, U> = T;
export type RedisLeasesChecked = Assignable<InstanceType<typeof redisLeases.RedisLeases>, Api.RedisLeases>;

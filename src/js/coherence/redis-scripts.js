// The Lua scripts of the Redis coherence point: each mutation of a region's state is one script,
// so it is atomic on the server (two processes recording at once both land, unlike KV's
// read-modify-write), and each publishes the region's new version on the region's channel in
// the same step. They do what log.js's record, mark, markTags and shardAt do to the Durable
// Object's state. The reads are not scripts: redis.js rebuilds log.js's state shape and
// asks log.js, so every transport answers the same way.
//
// A region's keys (see #keys in redis.js): state (hash: version, hard, soft), log (sorted set:
// member "<version> <key>", score the version), shards (hash: shard → version), and one hash
// per tag shard (field "version", and "t:<tag>" → "<hard> <soft> <version>"). Marks are kept as
// the strings the caller sent, so they come back as the same doubles.
import { RedisScript } from "../redis/script.js";

/** KEYS: state, log. ARGV: logMax, channel, key... → the version of the last key. */
export const RECORD = new RedisScript(`
local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
for i = 3, #ARGV do
  v = v + 1
  redis.call('ZADD', KEYS[2], v, string.format('%d', v) .. ' ' .. ARGV[i])
end
redis.call('HSET', KEYS[1], 'version', string.format('%d', v))
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -tonumber(ARGV[1]) - 1)
redis.call('PUBLISH', ARGV[2], string.format('%d', v))
return v
`);

/** KEYS: state. ARGV: "hard" | "soft", at ("" when not a finite number: no mark), channel. */
export const MARK = new RedisScript(`
if ARGV[2] ~= '' and tonumber(ARGV[2]) > tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
end
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PUBLISH', ARGV[3], v)
return v
`);

/** KEYS: state, shards, tag shard. ARGV: "1" (hard) | "0", at, shard, channel, tag... */
export const MARK_TAGS = new RedisScript(`
local tv = redis.call('HINCRBY', KEYS[3], 'version', 1)
local at = tonumber(ARGV[2])
for i = 5, #ARGV do
  local h, s = '0', '0'
  local old = redis.call('HGET', KEYS[3], 't:' .. ARGV[i])
  if old then h, s = string.match(old, '^(%S+) (%S+)') end
  if ARGV[1] == '1' then
    if at > tonumber(h) then h = ARGV[2] end
  elseif at > tonumber(s) then s = ARGV[2] end
  redis.call('HSET', KEYS[3], 't:' .. ARGV[i], h .. ' ' .. s .. ' ' .. tv)
end
local known = tonumber(redis.call('HGET', KEYS[2], ARGV[3]) or '0')
if not (tv <= known) then redis.call('HSET', KEYS[2], ARGV[3], tv) end
local v = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('PUBLISH', ARGV[4], v)
return v
`);

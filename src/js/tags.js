// Tags: what an entry is about ("user:42"), so that `invalidateTags` can reach every entry about
// one thing. Checked before anything is stored; stored with the entry's creation time.
import { ValidationError } from "./errors.js";
import { describe } from "./options.js";

/** Tags one entry may carry. */
export const MAX_TAGS = 32;
/** Characters in one tag. */
export const MAX_TAG_LENGTH = 128;
/** Tags one invalidateTags call may name. */
export const MAX_INVALIDATED_TAGS = 1000;
/** Coherence objects the tag marks of one region are spread over (by a hash of the tag). */
export const TAG_SHARDS = 16;

/** `tags` as given (undefined when absent or empty); a ValidationError for anything else. */
export function checkTags(tags, what = "tags", max = MAX_TAGS) {
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags)) throw new ValidationError(`${what} must be an array of strings, got ${describe(tags)}`);
  if (tags.length > max) throw new ValidationError(`${what}: at most ${max} tags, got ${tags.length}`);
  for (const tag of tags) {
    if (typeof tag !== "string" || tag === "") throw new ValidationError(`${what} must be non-empty strings, got ${describe(tag)}`);
    if (tag.length > MAX_TAG_LENGTH) throw new ValidationError(`${what}: a tag is at most ${MAX_TAG_LENGTH} characters, got ${tag.length}`);
    if (!tag.isWellFormed()) throw new ValidationError(`${what}: a tag must be well-formed UTF-16 (this one has a lone surrogate)`);
  }
  return tags.length === 0 ? undefined : tags;
}

/** The shard of a tag's marks: FNV-1a of its UTF-16 units, so every isolate agrees. */
export function tagShard(tag) {
  let h = 0x811c9dc5;
  for (let i = 0; i < tag.length; i++) {
    h ^= tag.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % TAG_SHARDS;
}

/** Tag marks known to a region in JS (tag → latest mark, hard or soft), for the hit path. */
export class TagMarks {
  #latest = new Map();

  get size() {
    return this.#latest.size;
  }

  /** Takes on a tag's marks; true when that moved its latest one (an entry may now be touched). */
  merge(tag, hard, soft) {
    const at = Math.max(hard || 0, soft || 0);
    if (!(at > (this.#latest.get(tag) ?? 0))) return false;
    this.#latest.set(tag, at);
    return true;
  }

  /** True when one of `tags` was invalidated at or after `ct`: the entry is not fresh. */
  touches(tags, ct) {
    for (const tag of tags) {
      const at = this.#latest.get(tag);
      if (at !== undefined && ct <= at) return true;
    }
    return false;
  }
}

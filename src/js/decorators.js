// cacheOnArguments and cacheMultiOnArguments: dogpile's decorators as function wrappers.
import { ValidationError } from "./errors.js";
import { functionKeyGenerator, functionMultiKeyGenerator } from "./keys.js";
import { NO_VALUE } from "./no-value.js";
import { checkFunction, checkOptions, describe, seconds } from "./options.js";
import { valueCheck } from "./check-value.js";
import { earlyBeta } from "./early-refresh.js";

const VALUE_OPTIONS = ["checkValue", "migrate"];
const SINGLE_OPTIONS = [
  "namespace",
  "expirationTime",
  "shouldCacheFn",
  "toStr",
  "functionKeyGenerator",
  "tags",
  "earlyRefresh",
  ...VALUE_OPTIONS,
];
const MULTI_OPTIONS = [
  "namespace",
  "expirationTime",
  "shouldCacheFn",
  "asdict",
  "toStr",
  "functionMultiKeyGenerator",
  "tags",
  ...VALUE_OPTIONS,
];

function checkCommon(fn, options, allowed, where) {
  checkFunction(fn, `${where}: the function to cache`);
  const opts = checkOptions(options, allowed, where);
  if (opts.expirationTime !== undefined && typeof opts.expirationTime !== "function") seconds(opts.expirationTime);
  if (opts.shouldCacheFn !== undefined) checkFunction(opts.shouldCacheFn, "shouldCacheFn");
  if (opts.toStr !== undefined) checkFunction(opts.toStr, "toStr");
  if (opts.tags !== undefined) checkFunction(opts.tags, "tags (a function of the arguments, returning tags)");
  valueCheck(opts.checkValue, opts.migrate); // fail now, not on the first read
  return opts;
}

function keyer(generator, what, ...genArgs) {
  checkFunction(generator, what);
  const made = generator(...genArgs);
  checkFunction(made, `${what}(namespace, fn) result`);
  return made;
}

/** Rejects instead of throwing: every operation answers with a Promise. */
function promised(run) {
  try {
    return run();
  } catch (e) {
    return Promise.reject(e);
  }
}

function named(wrapper, fn) {
  Object.defineProperty(wrapper, "name", { value: fn.name });
  return wrapper;
}

export function cacheOnArguments(region, fn, options) {
  const opts = checkCommon(fn, options, SINGLE_OPTIONS, "cacheOnArguments");
  const gen = opts.functionKeyGenerator ?? region.functionKeyGenerator ?? functionKeyGenerator;
  const keyOf = keyer(gen, "functionKeyGenerator", opts.namespace, fn, opts.toStr);
  const key = (args) => {
    const k = keyOf(...args);
    if (typeof k !== "string") throw new ValidationError(`the key generator must return a string, got ${describe(k)}`);
    return k;
  };
  const { expirationTime, shouldCacheFn, checkValue, migrate, earlyRefresh } = opts;
  earlyBeta(earlyRefresh, "cacheOnArguments"); // fail at decoration, not on the first call
  const createOptions = [expirationTime, shouldCacheFn, checkValue, migrate, earlyRefresh].every((o) => o === undefined)
    ? undefined
    : { expirationTime, shouldCacheFn, checkValue, migrate, earlyRefresh };
  const getOptions = expirationTime === undefined ? undefined : { expirationTime };
  // Tags computed from the arguments: what each entry is about (see region.invalidateTags).
  const tagsOf = opts.tags === undefined ? undefined : (args) => ({ tags: opts.tags(...args) });
  const setOptions = (args) => tagsOf?.(args);

  const cached = named(function (...args) {
    let k;
    try {
      k = key(args);
    } catch (e) {
      return Promise.reject(e);
    }
    /** @type {object | undefined} */
    let options = createOptions;
    if (tagsOf !== undefined) {
      try {
        options = { ...createOptions, ...tagsOf(args) };
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return region.getOrCreate(k, () => fn.apply(this, args), options);
  }, fn);
  cached.original = fn;
  cached.invalidate = (...args) => promised(() => region.delete(key(args)));
  cached.set = (value, ...args) => promised(() => region.set(key(args), value, setOptions(args)));
  cached.get = (...args) => promised(() => region.get(key(args), getOptions));
  /** Calls the function now and stores its result, whatever is cached (dogpile's refresh). */
  cached.refresh = function (...args) {
    const self = this === cached ? undefined : this;
    return promised(async () => {
      const k = key(args);
      const value = await fn.apply(self, args);
      await region.set(k, value, setOptions(args));
      return value;
    });
  };
  return cached;
}

function lookup(result, arg) {
  if (result instanceof Map) return result.has(arg) ? result.get(arg) : NO_VALUE;
  return Object.hasOwn(result, arg) ? result[arg] : NO_VALUE;
}

export function cacheMultiOnArguments(region, fn, options) {
  const opts = checkCommon(fn, options, MULTI_OPTIONS, "cacheMultiOnArguments");
  const gen = opts.functionMultiKeyGenerator ?? region.functionMultiKeyGenerator ?? functionMultiKeyGenerator;
  const keysOf = keyer(gen, "functionMultiKeyGenerator", opts.namespace, fn, opts.toStr);
  const keys = (args) => {
    const ks = keysOf(...args);
    if (!Array.isArray(ks) || ks.length !== args.length || ks.some((k) => typeof k !== "string")) {
      throw new ValidationError("the multi key generator must return one string key per argument");
    }
    return ks;
  };
  const { expirationTime, shouldCacheFn, checkValue, migrate, asdict = false } = opts;
  // The tags of the entries written for `args`, as a call with those arguments tags them.
  const tagsFor = (args) => (opts.tags === undefined ? undefined : { tags: opts.tags(...args) });

  const cached = named(function (...args) {
    return promised(async () => {
      const ks = keys(args);
      const argOf = new Map(ks.map((k, i) => [k, args[i]]));
      const creator = async (...missing) => {
        const missingArgs = missing.map((k) => argOf.get(k));
        const out = await fn.apply(this, missingArgs);
        // Arguments the function left out are returned as missing and not cached.
        return asdict ? valuesOf(out, missingArgs) : out;
      };
      const tags = tagsFor(args)?.tags; // shared by this call's entries
      const values = await region.getOrCreateMulti(ks, creator, { expirationTime, shouldCacheFn, tags, checkValue, migrate });
      return asdict ? byArgument(args, values) : values;
    });
  }, fn);
  cached.original = fn;
  cached.invalidate = (...args) => promised(() => region.deleteMulti(keys(args)));
  cached.get = (...args) => promised(() => region.getMulti(keys(args), expirationTime === undefined ? undefined : { expirationTime }));
  /**
   * Stores values for arguments: a Map of argument → value, or a plain object for string
   * arguments (an object's keys are strings: `{ 1: v }` is the argument "1", not 1).
   */
  cached.set = (mapping) =>
    promised(() => {
      const entries = mapping instanceof Map ? [...mapping] : Object.entries(mapping ?? {});
      const args = entries.map((e) => e[0]);
      const ks = keys(args);
      return region.setMulti(new Map(ks.map((k, i) => [k, entries[i][1]])), tagsFor(args));
    });
  cached.refresh = function (...args) {
    const self = this === cached ? undefined : this;
    return promised(async () => {
      const ks = keys(args);
      const out = await fn.apply(self, args);
      const values = asdict ? valuesOf(out, args) : out;
      if (!Array.isArray(values) || values.length !== args.length) {
        throw new ValidationError("the function must return one value per argument");
      }
      await region.setMulti(
        new Map(ks.map((k, i) => /** @type {[string, unknown]} */ ([k, values[i]])).filter(([, v]) => v !== NO_VALUE)),
        tagsFor(args),
      );
      // As a call answers: a plain object of argument → value, for the arguments returned.
      return asdict ? byArgument(args, values) : values;
    });
  };
  return cached;
}

/** With asdict: the function's result (an object or a Map) as one value per argument. */
function valuesOf(out, args) {
  if (out === null || typeof out !== "object") {
    throw new ValidationError(`with asdict, the function must return an object or a Map, got ${describe(out)}`);
  }
  return args.map((a) => lookup(out, a));
}

/** With asdict: what a call answers, argument → value, leaving out the missing. */
function byArgument(args, values) {
  const result = {};
  args.forEach((a, i) => {
    if (values[i] !== NO_VALUE) result[a] = values[i];
  });
  return result;
}

// src/js/workerd.js
import wasmModule2 from "./edgepile_bg-QVLDJPZ7.wasm";

// pkg/edgepile.js
var RegionCore = class {
  __destroy_into_raw() {
    const ptr = this.__wbg_ptr;
    this.__wbg_ptr = 0;
    RegionCoreFinalization.unregister(this);
    return ptr;
  }
  free() {
    const ptr = this.__destroy_into_raw();
    wasm.__wbg_regioncore_free(ptr, 0);
  }
  /**
   * @param {Array<any>} keys
   * @returns {Promise<any>}
   */
  deleteMulti(keys) {
    const ret = wasm.regioncore_deleteMulti(this.__wbg_ptr, keys);
    return ret;
  }
  /**
   * @param {string} key
   * @returns {Promise<any>}
   */
  delete(key) {
    const ptr0 = passStringToWasm0(key, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.regioncore_delete(this.__wbg_ptr, ptr0, len0);
    return ret;
  }
  /**
   * @param {Array<any>} keys
   * @param {number | null | undefined} seconds
   * @param {boolean} ignore_expiration
   * @returns {Promise<any>}
   */
  getMulti(keys, seconds2, ignore_expiration) {
    const ret = wasm.regioncore_getMulti(this.__wbg_ptr, keys, !isLikeNone(seconds2), isLikeNone(seconds2) ? 0 : seconds2, ignore_expiration);
    return ret;
  }
  /**
   * @param {Array<any>} keys
   * @param {Function} creator
   * @param {number | null} [seconds]
   * @param {Function | null} [should_cache]
   * @returns {Promise<any>}
   */
  getOrCreateMulti(keys, creator2, seconds2, should_cache) {
    const val1 = +(isLikeNone(seconds2) ? 0 : seconds2);
    const ret = wasm.regioncore_getOrCreateMulti(this.__wbg_ptr, keys, creator2, !isLikeNone(seconds2), val1, isLikeNone(should_cache) ? 0 : addToExternrefTable0(should_cache));
    return ret;
  }
  /**
   * @param {string} key
   * @param {Function} creator
   * @param {number | null} [seconds]
   * @param {Function | null} [should_cache]
   * @returns {Promise<any>}
   */
  getOrCreate(key, creator2, seconds2, should_cache) {
    const val2 = +(isLikeNone(seconds2) ? 0 : seconds2);
    const ptr0 = passStringToWasm0(key, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.regioncore_getOrCreate(this.__wbg_ptr, ptr0, len0, creator2, !isLikeNone(seconds2), val2, isLikeNone(should_cache) ? 0 : addToExternrefTable0(should_cache));
    return ret;
  }
  /**
   * @param {string} key
   * @param {number | null | undefined} seconds
   * @param {boolean} ignore_expiration
   * @returns {Promise<any>}
   */
  get(key, seconds2, ignore_expiration) {
    const val2 = +(isLikeNone(seconds2) ? 0 : seconds2);
    const val3 = +ignore_expiration;
    const ptr0 = passStringToWasm0(key, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.regioncore_get(this.__wbg_ptr, ptr0, len0, !isLikeNone(seconds2), val2, val3);
    return ret;
  }
  /**
   * @param {boolean} hard
   */
  invalidate(hard) {
    wasm.regioncore_invalidate(this.__wbg_ptr, hard);
  }
  /**
   * `backend`: "memory" or "null". Hooks are optional JS functions.
   * @param {string} name
   * @param {string} backend
   * @param {number} max_entries
   * @param {number} default_ttl
   * @param {Function | null} [clock]
   * @param {Function | null} [key_mangler]
   * @param {Function | null} [on_error]
   */
  constructor(name, backend, max_entries, default_ttl, clock, key_mangler, on_error) {
    const val3 = +max_entries;
    const val4 = +default_ttl;
    let ptr0, len0, ptr1, len1;
    try {
      ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      len0 = WASM_VECTOR_LEN;
      ptr1 = passStringToWasm0(backend, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      len1 = WASM_VECTOR_LEN;
    } catch (e) {
      if (ptr1) {
        wasm.__wbindgen_free(ptr1, len1 * 1, 1);
      }
      if (ptr0) {
        wasm.__wbindgen_free(ptr0, len0 * 1, 1);
      }
      throw e;
    }
    const ret = wasm.regioncore_new(ptr0, len0, ptr1, len1, val3, val4, isLikeNone(clock) ? 0 : addToExternrefTable0(clock), isLikeNone(key_mangler) ? 0 : addToExternrefTable0(key_mangler), isLikeNone(on_error) ? 0 : addToExternrefTable0(on_error));
    if (ret[2]) {
      throw takeFromExternrefTable0(ret[1]);
    }
    this.__wbg_ptr = ret[0];
    RegionCoreFinalization.register(this, this.__wbg_ptr, this);
    return this;
  }
  /**
   * The value if it is fresh and readable without I/O; `NO_VALUE` otherwise. Never throws:
   * a failing key mangler reads as a miss here and is reported by the async path that follows
   * (a `Result` return would cost an allocation on every hit).
   * @param {string} key
   * @param {number | null} [seconds]
   * @returns {any}
   */
  peek(key, seconds2) {
    const val2 = +(isLikeNone(seconds2) ? 0 : seconds2);
    const ptr0 = passStringToWasm0(key, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.regioncore_peek(this.__wbg_ptr, ptr0, len0, !isLikeNone(seconds2), val2);
    return ret;
  }
  /**
   * @param {Array<any>} keys
   * @param {Array<any>} values
   * @returns {Promise<any>}
   */
  setMulti(keys, values) {
    const ret = wasm.regioncore_setMulti(this.__wbg_ptr, keys, values);
    return ret;
  }
  /**
   * @param {string} key
   * @param {any} value
   * @returns {Promise<any>}
   */
  set(key, value) {
    const ptr0 = passStringToWasm0(key, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
    const len0 = WASM_VECTOR_LEN;
    const ret = wasm.regioncore_set(this.__wbg_ptr, ptr0, len0, value);
    return ret;
  }
};
if (Symbol.dispose) RegionCore.prototype[Symbol.dispose] = RegionCore.prototype.free;
function install(no_value, make_error) {
  wasm.install(no_value, make_error);
}
function __wbg_get_imports() {
  const import0 = {
    __proto__: null,
    __wbg___wbindgen_is_falsy_d864b623500ae65d: function(arg0) {
      const ret = !arg0;
      return ret;
    },
    __wbg___wbindgen_is_function_741ff2bb612836f5: function(arg0) {
      const ret = typeof arg0 === "function";
      return ret;
    },
    __wbg___wbindgen_is_object_8b968c3ab8e96595: function(arg0) {
      const val = arg0;
      const ret = typeof val === "object" && val !== null;
      return ret;
    },
    __wbg___wbindgen_is_undefined_be5b34249ff1fc15: function(arg0) {
      const ret = arg0 === void 0;
      return ret;
    },
    __wbg___wbindgen_number_get_934b640d0889af78: function(arg0, arg1) {
      const obj = arg1;
      const ret = typeof obj === "number" ? obj : void 0;
      getDataViewMemory0().setFloat64((arg0 >>> 0) + 8 * 1, isLikeNone(ret) ? 0 : ret, true);
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, !isLikeNone(ret), true);
    },
    __wbg___wbindgen_string_get_7ce8eee7fd327545: function(arg0, arg1) {
      const obj = arg1;
      const ret = typeof obj === "string" ? obj : void 0;
      var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      var len1 = WASM_VECTOR_LEN;
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
    },
    __wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
      throw new Error(getStringFromWasm0(arg0, arg1));
    },
    __wbg__wbg_cb_unref_09736879a3f67559: function(arg0) {
      arg0._wbg_cb_unref();
    },
    __wbg_apply_bfe2b07b146427e2: function() {
      return handleError(function(arg0, arg1, arg2) {
        const ret = arg0.apply(arg1, arg2);
        return ret;
      }, arguments);
    },
    __wbg_call_275b78b3b6520b92: function() {
      return handleError(function(arg0, arg1, arg2, arg3, arg4) {
        const ret = arg0.call(arg1, arg2, arg3, arg4);
        return ret;
      }, arguments);
    },
    __wbg_call_40b008ba32f73991: function() {
      return handleError(function(arg0, arg1) {
        const ret = arg0.call(arg1);
        return ret;
      }, arguments);
    },
    __wbg_call_a410eb4b59ed5965: function() {
      return handleError(function(arg0, arg1, arg2) {
        const ret = arg0.call(arg1, arg2);
        return ret;
      }, arguments);
    },
    __wbg_from_eac91875c8a5ffa4: function(arg0) {
      const ret = Array.from(arg0);
      return ret;
    },
    __wbg_get_2080c49015e35254: function() {
      return handleError(function(arg0, arg1) {
        const ret = Reflect.get(arg0, arg1);
        return ret;
      }, arguments);
    },
    __wbg_get_unchecked_e6325ad374eff861: function(arg0, arg1) {
      const ret = arg0[arg1 >>> 0];
      return ret;
    },
    __wbg_instanceof_Promise_59148c6049d0e3a0: function(arg0) {
      let result;
      try {
        result = arg0 instanceof Promise;
      } catch (_) {
        result = false;
      }
      const ret = result;
      return ret;
    },
    __wbg_isArray_bcf1376d0d732d08: function(arg0) {
      const ret = Array.isArray(arg0);
      return ret;
    },
    __wbg_length_b03a0fabb109b1e9: function(arg0) {
      const ret = arg0.length;
      return ret;
    },
    __wbg_new_37eb45aaf5eeb820: function() {
      const ret = new Array();
      return ret;
    },
    __wbg_new_787b9fb330d55d78: function(arg0, arg1) {
      const ret = new Error(getStringFromWasm0(arg0, arg1));
      return ret;
    },
    __wbg_new_typed_e09da9dae6ee5935: function(arg0, arg1) {
      try {
        var state0 = { a: arg0, b: arg1 };
        var cb0 = (arg02, arg12) => {
          const a = state0.a;
          state0.a = 0;
          try {
            return wasm_bindgen__convert__closures_____invoke__h301b2cd238c7dbac(a, state0.b, arg02, arg12);
          } finally {
            state0.a = a;
          }
        };
        const ret = new Promise(cb0);
        return ret;
      } finally {
        state0.a = 0;
      }
    },
    __wbg_now_463ac581d2fc7ea3: function() {
      const ret = Date.now();
      return ret;
    },
    __wbg_push_c9f4893fc209f768: function(arg0, arg1) {
      const ret = arg0.push(arg1);
      return ret;
    },
    __wbg_queueMicrotask_1e8503a8a690f0a3: function(arg0) {
      const ret = arg0.queueMicrotask;
      return ret;
    },
    __wbg_queueMicrotask_4a1a4d8dd332373b: function(arg0) {
      queueMicrotask(arg0);
    },
    __wbg_resolve_dbf78ab4942478b0: function(arg0) {
      const ret = Promise.resolve(arg0);
      return ret;
    },
    __wbg_slice_984d22ab53865879: function(arg0, arg1) {
      const ret = arg1.slice();
      const ptr1 = passArrayJsValueToWasm0(ret, wasm.__wbindgen_malloc);
      const len1 = WASM_VECTOR_LEN;
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
      getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
    },
    __wbg_static_accessor_GLOBAL_THIS_003ee833af9699fc: function() {
      const ret = typeof globalThis === "undefined" ? void 0 : globalThis;
      return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
    },
    __wbg_static_accessor_GLOBAL_e4293fb22cbe77da: function() {
      const ret = typeof global === "undefined" ? void 0 : global;
      return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
    },
    __wbg_static_accessor_SELF_53bb20457401453d: function() {
      const ret = typeof self === "undefined" ? void 0 : self;
      return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
    },
    __wbg_static_accessor_WINDOW_b5e0810bfecb7feb: function() {
      const ret = typeof window === "undefined" ? void 0 : window;
      return isLikeNone(ret) ? 0 : addToExternrefTable0(ret);
    },
    __wbg_then_656f253a5dd7d8ea: function(arg0, arg1, arg2) {
      const ret = arg0.then(arg1, arg2);
      return ret;
    },
    __wbg_then_e3f7f2d365708be8: function(arg0, arg1) {
      const ret = arg0.then(arg1);
      return ret;
    },
    __wbindgen_generic_0000000000000001: function(arg0, arg1) {
      const ret = makeMutClosure(arg0, arg1, wasm_bindgen__convert__closures_____invoke__h540d5cdce0ff6e07);
      return ret;
    },
    __wbindgen_generic_0000000000000002: function(arg0, arg1) {
      const ret = getStringFromWasm0(arg0, arg1);
      return ret;
    },
    __wbindgen_init_externref_table: function() {
      const table = wasm.__wbindgen_externrefs;
      table.set(0, void 0);
      table.set(1024, void 0);
      table.set(1025, null);
      table.set(1026, true);
      table.set(1027, false);
    }
  };
  return {
    __proto__: null,
    "./edgepile_bg.js": import0
  };
}
function wasm_bindgen__convert__closures_____invoke__h540d5cdce0ff6e07(arg0, arg1, arg2) {
  const ret = wasm.wasm_bindgen__convert__closures_____invoke__h540d5cdce0ff6e07(arg0, arg1, arg2);
  if (ret[1]) {
    throw takeFromExternrefTable0(ret[0]);
  }
}
function wasm_bindgen__convert__closures_____invoke__h301b2cd238c7dbac(arg0, arg1, arg2, arg3) {
  wasm.wasm_bindgen__convert__closures_____invoke__h301b2cd238c7dbac(arg0, arg1, arg2, arg3);
}
var RegionCoreFinalization = typeof FinalizationRegistry === "undefined" ? { register: () => {
}, unregister: () => {
} } : new FinalizationRegistry((ptr) => wasm.__wbg_regioncore_free(ptr, 1));
function addToExternrefTable0(obj) {
  const idx = wasm.__externref_table_alloc();
  wasm.__wbindgen_externrefs.set(idx, obj);
  return idx;
}
var CLOSURE_DTORS = typeof FinalizationRegistry === "undefined" ? { register: () => {
}, unregister: () => {
} } : new FinalizationRegistry((state) => wasm.__wbindgen_destroy_closure(state.a, state.b));
var cachedDataViewMemory0 = null;
function getDataViewMemory0() {
  if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || cachedDataViewMemory0.buffer.detached === void 0 && cachedDataViewMemory0.buffer !== wasm.memory.buffer) {
    cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
  }
  return cachedDataViewMemory0;
}
function getStringFromWasm0(ptr, len) {
  ptr = ptr >>> 0;
  return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
}
var cachedUint8ArrayMemory0 = null;
function getUint8ArrayMemory0() {
  if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
    cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
  }
  return cachedUint8ArrayMemory0;
}
function handleError(f, args) {
  try {
    return f.apply(this, args);
  } catch (e) {
    const idx = addToExternrefTable0(e);
    wasm.__wbindgen_exn_store(idx);
  }
}
function isLikeNone(x) {
  return x === void 0 || x === null;
}
function makeMutClosure(arg0, arg1, f) {
  const state = { a: arg0, b: arg1, cnt: 1 };
  const real = (...args) => {
    state.cnt++;
    const a = state.a;
    state.a = 0;
    try {
      return f(a, state.b, ...args);
    } finally {
      state.a = a;
      real._wbg_cb_unref();
    }
  };
  real._wbg_cb_unref = () => {
    if (--state.cnt === 0) {
      wasm.__wbindgen_destroy_closure(state.a, state.b);
      state.a = 0;
      CLOSURE_DTORS.unregister(state);
    }
  };
  CLOSURE_DTORS.register(real, state, state);
  return real;
}
function passArrayJsValueToWasm0(array, malloc) {
  const ptr = malloc(array.length * 4, 4) >>> 0;
  for (let i = 0; i < array.length; i++) {
    const add = addToExternrefTable0(array[i]);
    getDataViewMemory0().setUint32(ptr + 4 * i, add, true);
  }
  WASM_VECTOR_LEN = array.length;
  return ptr;
}
function passStringToWasm0(arg, malloc, realloc) {
  if (realloc === void 0) {
    const buf = cachedTextEncoder.encode(arg);
    const ptr2 = malloc(buf.length, 1) >>> 0;
    getUint8ArrayMemory0().subarray(ptr2, ptr2 + buf.length).set(buf);
    WASM_VECTOR_LEN = buf.length;
    return ptr2;
  }
  let len = arg.length;
  let ptr = malloc(len, 1) >>> 0;
  const mem = getUint8ArrayMemory0();
  let offset = 0;
  for (; offset < len; offset++) {
    const code = arg.charCodeAt(offset);
    if (code > 127) break;
    mem[ptr + offset] = code;
  }
  if (offset !== len) {
    if (offset !== 0) {
      arg = arg.slice(offset);
    }
    ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
    const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
    const ret = cachedTextEncoder.encodeInto(arg, view);
    offset += ret.written;
    ptr = realloc(ptr, len, offset, 1) >>> 0;
  }
  WASM_VECTOR_LEN = offset;
  return ptr;
}
function takeFromExternrefTable0(idx) {
  const value = wasm.__wbindgen_externrefs.get(idx);
  wasm.__externref_table_dealloc(idx);
  return value;
}
var cachedTextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
cachedTextDecoder.decode();
var MAX_SAFARI_DECODE_BYTES = 2146435072;
var numBytesDecoded = 0;
function decodeText(bytes) {
  numBytesDecoded += bytes.length;
  if (numBytesDecoded >= MAX_SAFARI_DECODE_BYTES) {
    cachedTextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
    cachedTextDecoder.decode();
    numBytesDecoded = bytes.length;
  }
  return cachedTextDecoder.decode(bytes);
}
var cachedTextEncoder = new TextEncoder();
if (!("encodeInto" in cachedTextEncoder)) {
  cachedTextEncoder.encodeInto = function(arg, view) {
    const buf = cachedTextEncoder.encode(arg);
    view.set(buf);
    return {
      read: arg.length,
      written: buf.length
    };
  };
}
var WASM_VECTOR_LEN = 0;
var wasmModule;
var wasmInstance;
var wasm;
function __wbg_finalize_init(instance, module) {
  wasmInstance = instance;
  wasm = instance.exports;
  wasmModule = module;
  cachedDataViewMemory0 = null;
  cachedUint8ArrayMemory0 = null;
  wasm.__wbindgen_start();
  return wasm;
}
function initSync(module) {
  if (wasm !== void 0) return wasm;
  if (module !== void 0) {
    if (Object.getPrototypeOf(module) === Object.prototype) {
      ({ module } = module);
    } else {
      console.warn("using deprecated parameters for `initSync()`; pass a single object instead");
    }
  }
  const imports = __wbg_get_imports();
  if (!(module instanceof WebAssembly.Module)) {
    module = new WebAssembly.Module(module);
  }
  const instance = new WebAssembly.Instance(module, imports);
  return __wbg_finalize_init(instance, module);
}

// src/js/errors.js
var EdgepileError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = "EdgepileError";
  }
};
function kind(name) {
  const cls = class extends EdgepileError {
    constructor(message, options) {
      super(message, options);
      this.name = name;
    }
  };
  Object.defineProperty(cls, "name", { value: name });
  return cls;
}
var RegionNotConfigured = kind("RegionNotConfigured");
var RegionAlreadyConfigured = kind("RegionAlreadyConfigured");
var ValidationError = kind("ValidationError");
var BackendError = kind("BackendError");
var LockTimeout = kind("LockTimeout");
var byName = { RegionNotConfigured, RegionAlreadyConfigured, ValidationError, BackendError, LockTimeout };
function makeError(name, message, cause) {
  const Cls = byName[name] ?? EdgepileError;
  return cause === void 0 ? new Cls(message) : new Cls(message, { cause });
}

// src/js/options.js
function checkKey(key) {
  if (typeof key !== "string") {
    throw new ValidationError(`cache keys must be strings, got ${describe(key)}`);
  }
  if (!key.isWellFormed()) {
    throw new ValidationError("cache keys must be well-formed UTF-16 (this one has a lone surrogate)");
  }
  return key;
}
function checkKeys(keys) {
  if (!Array.isArray(keys)) throw new ValidationError(`expected an array of keys, got ${describe(keys)}`);
  for (const k of keys) checkKey(k);
  return keys;
}
function checkFunction(f, what) {
  if (typeof f !== "function") throw new ValidationError(`${what} must be a function, got ${describe(f)}`);
  return f;
}
function seconds(value, what = "expirationTime") {
  const n = typeof value === "function" ? value() : value;
  if (typeof n !== "number" || Number.isNaN(n) || n === Infinity || n < 0 && n !== -1) {
    throw new ValidationError(`${what} must be a number of seconds \u2265 0 or -1 (never), got ${describe(n)}`);
  }
  return n;
}
function describe(v) {
  if (v === null) return "null";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}\u2026` : v);
  if (typeof v === "number" || typeof v === "bigint" || typeof v === "boolean") return `${typeof v} ${String(v)}`;
  if (typeof v === "function") return "a function";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? `an object (${v.constructor?.name ?? "null prototype"})` : typeof v;
}

// src/js/storable.js
var MAX_DEPTH = 256;
var I64_MIN = -(2n ** 63n);
var U64_MAX = 2n ** 64n - 1n;
function refuse(path, what, hint) {
  return new ValidationError(`cannot cache ${what} at ${path || "the top level"}${hint ? `: ${hint}` : ""}`);
}
function checkStorable(value) {
  const stack = [[value, "", 0]];
  const onPath = /* @__PURE__ */ new Set();
  while (stack.length > 0) {
    const [v, path, depth] = stack.pop();
    if (v === EXIT) {
      onPath.delete(path);
      continue;
    }
    switch (typeof v) {
      case "undefined":
      case "boolean":
      case "number":
      case "string":
        continue;
      case "bigint":
        if (v < I64_MIN || v > U64_MAX) throw refuse(path, "a BigInt outside 64 bits");
        continue;
      case "function":
        throw refuse(path, "a function", "cache the data it produces instead");
      case "symbol":
        throw refuse(path, "a symbol");
    }
    if (v === null || v instanceof Uint8Array || v instanceof ArrayBuffer) continue;
    if (depth >= MAX_DEPTH) throw refuse(path, `a value nested deeper than ${MAX_DEPTH} levels`);
    if (onPath.has(v)) throw refuse(path, "a circular structure");
    if (Array.isArray(v)) {
      onPath.add(v);
      stack.push([EXIT, v]);
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, depth + 1]);
      continue;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      const name = v?.constructor?.name ?? "object";
      const hint = v instanceof Date ? "store date.getTime() or date.toISOString()" : v instanceof Map ? "store Object.fromEntries(map)" : v instanceof Set ? "store [...set]" : ArrayBuffer.isView(v) ? "store a Uint8Array or a plain array" : "store plain objects and arrays";
      throw refuse(path, `a ${name}`, hint);
    }
    onPath.add(v);
    stack.push([EXIT, v]);
    for (const k of Object.keys(v)) stack.push([v[k], `${path}.${k}`, depth + 1]);
  }
  return value;
}
var EXIT = /* @__PURE__ */ Symbol("exit");

// src/js/no-value.js
var NoValue = class {
  toString() {
    return "NO_VALUE";
  }
  get [Symbol.toStringTag]() {
    return "NO_VALUE";
  }
};
var NO_VALUE = Object.freeze(new NoValue());

// src/js/region.js
var installed = false;
function core(...args) {
  if (!installed) {
    install(NO_VALUE, makeError);
    installed = true;
  }
  return new RegionCore(...args);
}
var CORE_BACKENDS = { "edgepile.memory": "memory", "edgepile.null": "null" };
var DEFAULT_MAX_ENTRIES = 1e4;
var REGION_OPTIONS = ["name", "keyMangler", "clock", "onError"];
var CONFIGURE_OPTIONS = ["expirationTime", "arguments", "replaceExistingBackend"];
var GET_OPTIONS = ["expirationTime", "ignoreExpiration"];
var CREATE_OPTIONS = ["expirationTime", "shouldCacheFn", "creatorArgs"];
var MULTI_OPTIONS = ["expirationTime", "shouldCacheFn"];
function checkOptions(options, allowed, where) {
  if (options === void 0) return {};
  if (options === null || typeof options !== "object") {
    throw new ValidationError(`${where} options must be an object, got ${describe(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) {
      throw new ValidationError(`${where} has no option ${JSON.stringify(k)}; it takes ${allowed.join(", ")}`);
    }
  }
  return options;
}
function isThenable(v) {
  return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function";
}
function storableCreator(creator2, args) {
  return () => {
    const out = args === void 0 ? creator2() : creator2(...args);
    return isThenable(out) ? Promise.resolve(out).then(checkStorable) : checkStorable(out);
  };
}
function storableMultiCreator(creator2) {
  const check = (values) => {
    if (!Array.isArray(values)) {
      throw new ValidationError(`a multi creator must return an array of values, got ${describe(values)}`);
    }
    values.forEach(checkStorable);
    return values;
  };
  return (...keys) => {
    const out = creator2(...keys);
    return isThenable(out) ? Promise.resolve(out).then(check) : check(out);
  };
}
var CacheRegion = class {
  #core = void 0;
  #ttlFn = void 0;
  // set when the region's expirationTime is a function
  #options;
  constructor(options) {
    this.#options = checkOptions(options, REGION_OPTIONS, "makeRegion");
    const { name = "default", keyMangler, clock, onError } = this.#options;
    if (typeof name !== "string") throw new ValidationError(`name must be a string, got ${describe(name)}`);
    if (keyMangler !== void 0) checkFunction(keyMangler, "keyMangler");
    if (clock !== void 0) checkFunction(clock, "clock");
    if (onError !== void 0) checkFunction(onError, "onError");
    this.name = name;
    this.keyMangler = keyMangler;
  }
  /** True once `configure()` has given the region a backend. */
  get isConfigured() {
    return this.#core !== void 0;
  }
  /**
   * Gives the region its backend. `expirationTime` is in seconds (-1: never, the default),
   * or a function returning seconds, evaluated per call.
   */
  configure(backend, options) {
    const opts = checkOptions(options, CONFIGURE_OPTIONS, "configure");
    if (this.#core !== void 0 && !opts.replaceExistingBackend) {
      throw new RegionAlreadyConfigured(`region "${this.name}" is already configured; pass replaceExistingBackend: true to replace it`);
    }
    const kind2 = CORE_BACKENDS[backend];
    if (kind2 === void 0) {
      throw new ValidationError(`unknown backend ${describe(backend)}; known: ${Object.keys(CORE_BACKENDS).join(", ")}`);
    }
    const { expirationTime = -1 } = opts;
    const args = checkOptions(opts.arguments, ["maxEntries"], `${backend} arguments`);
    const { maxEntries = DEFAULT_MAX_ENTRIES } = args;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1 || maxEntries > 4294967295) {
      throw new ValidationError(`maxEntries must be a positive integer, got ${describe(maxEntries)}`);
    }
    const fixed = typeof expirationTime === "function" ? -1 : seconds(expirationTime);
    if (typeof expirationTime === "function") seconds(expirationTime);
    const { keyMangler, clock, onError } = this.#options;
    this.#core = core(this.name, kind2, maxEntries, fixed, clock, keyMangler, onError);
    this.#ttlFn = typeof expirationTime === "function" ? expirationTime : void 0;
    return this;
  }
  #ready() {
    if (this.#core === void 0) {
      throw new RegionNotConfigured(`region "${this.name}" is not configured: call configure(backend, options) first`);
    }
    return this.#core;
  }
  /** Seconds for this call, or undefined for the region's own fixed expiration. */
  #ttl(expirationTime) {
    if (expirationTime !== void 0) return seconds(expirationTime);
    return this.#ttlFn === void 0 ? void 0 : seconds(this.#ttlFn);
  }
  /** The value stored under `key`, or NO_VALUE when missing, expired or invalidated. */
  async get(key, options) {
    const core2 = this.#ready();
    checkKey(key);
    const { expirationTime, ignoreExpiration = false } = checkOptions(options, GET_OPTIONS, "get");
    return core2.get(key, this.#ttl(expirationTime), Boolean(ignoreExpiration));
  }
  async getMulti(keys, options) {
    const core2 = this.#ready();
    checkKeys(keys);
    const { expirationTime, ignoreExpiration = false } = checkOptions(options, GET_OPTIONS, "getMulti");
    return core2.getMulti(keys, this.#ttl(expirationTime), Boolean(ignoreExpiration));
  }
  async set(key, value) {
    const core2 = this.#ready();
    checkKey(key);
    checkStorable(value);
    await core2.set(key, value);
  }
  /** Stores every entry of a plain object or a Map; checks them all before writing any. */
  async setMulti(mapping) {
    const core2 = this.#ready();
    const entries = mapping instanceof Map ? [...mapping] : mapping !== null && typeof mapping === "object" && !Array.isArray(mapping) ? Object.entries(mapping) : void 0;
    if (entries === void 0) throw new ValidationError(`setMulti takes an object or a Map, got ${describe(mapping)}`);
    for (const [k, v] of entries) {
      checkKey(k);
      checkStorable(v);
    }
    await core2.setMulti(entries.map((e) => e[0]), entries.map((e) => e[1]));
  }
  async delete(key) {
    const core2 = this.#ready();
    checkKey(key);
    await core2.delete(key);
  }
  async deleteMulti(keys) {
    const core2 = this.#ready();
    checkKeys(keys);
    await core2.deleteMulti(keys);
  }
  /**
   * The value for `key`; when it is missing or stale, `creator` (sync or async) makes it, under
   * the dogpile lock: one creation per key at a time, stale values served meanwhile.
   */
  async getOrCreate(key, creator2, options) {
    const core2 = this.#ready();
    checkKey(key);
    checkFunction(creator2, "creator");
    let ttl, shouldCacheFn, creatorArgs;
    if (options === void 0) {
      if (this.#ttlFn !== void 0) ttl = seconds(this.#ttlFn);
    } else {
      ({ shouldCacheFn, creatorArgs } = checkOptions(options, CREATE_OPTIONS, "getOrCreate"));
      ttl = this.#ttl(options.expirationTime);
    }
    const hit = core2.peek(key, ttl);
    if (hit !== NO_VALUE) return hit;
    if (shouldCacheFn !== void 0) checkFunction(shouldCacheFn, "shouldCacheFn");
    if (creatorArgs !== void 0 && !Array.isArray(creatorArgs)) {
      throw new ValidationError(`creatorArgs must be an array, got ${describe(creatorArgs)}`);
    }
    return core2.getOrCreate(key, storableCreator(creator2, creatorArgs), ttl, shouldCacheFn);
  }
  /**
   * Values for `keys`, in order. `creator(...missingKeys)` runs once with exactly the keys that
   * need a value and returns an array of values in the same order.
   */
  async getOrCreateMulti(keys, creator2, options) {
    const core2 = this.#ready();
    checkKeys(keys);
    checkFunction(creator2, "creator");
    const { expirationTime, shouldCacheFn } = checkOptions(options, MULTI_OPTIONS, "getOrCreateMulti");
    if (shouldCacheFn !== void 0) checkFunction(shouldCacheFn, "shouldCacheFn");
    return core2.getOrCreateMulti(keys, storableMultiCreator(creator2), this.#ttl(expirationTime), shouldCacheFn);
  }
  /**
   * hard (default): every value now reads as missing, callers wait for a new one.
   * soft (`false`): values read as stale, served while one caller regenerates.
   * The mark lives in this region object, i.e. in this isolate.
   */
  invalidate(hard = true) {
    this.#ready().invalidate(Boolean(hard));
  }
};
function makeRegion(options) {
  return new CacheRegion(options);
}

// src/js/workerd.js
initSync({ module: wasmModule2 });

// bench/workers/edgepile-memory.js
var region = makeRegion({ name: "bench" }).configure("edgepile.memory", { expirationTime: 3600 });
var creator = () => ({ id: 1, name: "value" });
var edgepile_memory_default = {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n"));
    let last;
    for (let i = 0; i < n; i++) last = await region.getOrCreate("user:1", creator);
    return new Response(String(last?.id));
  }
};
export {
  edgepile_memory_default as default
};

// Shared by codec proxies: what counts as an already-encoded item coming up from below.
export const isBytes = (v) => v instanceof Uint8Array || v instanceof ArrayBuffer;
export const asBytes = (v) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v);
export const utf8 = new TextEncoder();
export const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

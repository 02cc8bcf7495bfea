// bench/workers/map.js
var map = /* @__PURE__ */ new Map([["user:1", { id: 1, name: "value" }]]);
async function get(key) {
  return map.get(key);
}
var map_default = {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n"));
    let last;
    for (let i = 0; i < n; i++) last = await get("user:1");
    return new Response(String(last?.id));
  }
};
export {
  map_default as default
};

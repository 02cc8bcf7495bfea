// Baseline: `await` of a plain Map.get, N times per request.
const map = new Map([["user:1", { id: 1, name: "value" }]]);
async function get(key) {
  return map.get(key);
}

export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n"));
    let last;
    for (let i = 0; i < n; i++) last = await get("user:1");
    return new Response(String(last?.id));
  },
};

// The slow origin behind every isolate, in an isolate of its own: it counts creations, so a
// test can see how many regenerations a stampede caused across all isolates.
let calls = 0;

export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/count") return Response.json({ calls });
    if (url.pathname === "/reset") {
      calls = 0;
      return Response.json({ calls });
    }
    calls++;
    const n = calls;
    const ms = Number(url.searchParams.get("ms") ?? "200");
    await new Promise((resolve) => setTimeout(resolve, ms));
    return Response.json({ key: url.searchParams.get("key"), n });
  },
};

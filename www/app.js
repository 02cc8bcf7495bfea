// The dashboard: polls /api/stats every second and draws it with uPlot (served from /vendor).
const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat("en");
const status = (text) => {
  $("status").textContent = text;
};

function chart(el, opts, data) {
  return new uPlot({ width: el.clientWidth || 520, height: 240, ...opts }, data, el);
}

const bars = uPlot.paths.bars({ size: [0.6, 40] });

const latency = chart(
  $("latency-chart"),
  {
    scales: { x: { time: false } },
    axes: [{ label: "≤ ms", values: (u, ticks) => ticks.map((t) => BUCKET_LABELS[t] ?? "") }, { label: "requests" }],
    series: [
      {},
      { label: "cached", stroke: "#2f5bd3", fill: "#2f5bd355", paths: bars },
      { label: "uncached", stroke: "#a5561a", fill: "#a5561a55", paths: bars },
    ],
  },
  [[], [], []],
);
let BUCKET_LABELS = [];

const timeline = chart(
  $("timeline-chart"),
  {
    series: [
      {},
      { label: "hits", stroke: "#2f5bd3" },
      { label: "misses", stroke: "#a5561a" },
      { label: "stale", stroke: "#8a6fd1" },
      { label: "regenerations", stroke: "#1c9a5b", width: 2 },
    ],
  },
  [[], [], [], [], []],
);

const stampedes = [];
const stampedeChart = chart(
  $("stampede-chart"),
  {
    scales: { x: { time: false } },
    axes: [{ label: "experiment" }, { label: "calls" }],
    series: [
      {},
      { label: "concurrent cold calls", stroke: "#6b7387", fill: "#6b738733", paths: bars },
      { label: "creator calls", stroke: "#1c9a5b", fill: "#1c9a5b88", paths: bars },
    ],
  },
  [[], [], []],
);

async function refresh() {
  const s = await (await fetch("/api/stats")).json();
  $("hit-ratio").textContent = `${(s.stats.hitRatio * 100).toFixed(1)}%`;
  $("hits").textContent = fmt.format(s.stats.hits);
  $("l1-hits").textContent = fmt.format(s.stats.l1Hits);
  $("l2-hits").textContent = fmt.format(s.stats.hits - s.stats.l1Hits);
  $("misses").textContent = fmt.format(s.stats.misses);
  $("stale").textContent = fmt.format(s.stats.staleServed);
  $("regenerations").textContent = fmt.format(s.stats.regenerations);
  $("upstream").textContent = fmt.format(s.upstreamCalls);
  BUCKET_LABELS = s.buckets.map((b) => (b === null ? "more" : String(b)));
  latency.setData([s.buckets.map((_, i) => i), s.histograms.cached, s.histograms.uncached]);
  const t = s.timeline;
  timeline.setData([
    t.map((r) => r.t),
    t.map((r) => r.hit),
    t.map((r) => r.miss),
    t.map((r) => r.stale),
    t.map((r) => r.regenerationStart),
  ]);
}

async function traffic() {
  status("sending 50 requests…");
  const ids = Array.from({ length: 50 }, () => 1 + Math.floor(Math.random() * 20));
  const results = await Promise.all(ids.map((id) => fetch(`/api/elements/${id}`).then((r) => r.json())));
  const counts = {};
  for (const r of results) counts[r.cache] = (counts[r.cache] ?? 0) + 1;
  status(
    `50 requests: ${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")}`,
  );
  await refresh();
}

async function invalidate(mode) {
  const r = await (await fetch(`/api/invalidate?mode=${mode}`, { method: "POST" })).json();
  status(
    `${r.invalidated} invalidation done: ${mode === "soft" ? "stale values are served while one regenerates" : "everyone waits for new values"}`,
  );
  $("coherence").textContent = `invalidate → seen in ${r.seenBy} of ${r.isolates} isolates after ${fmt.format(r.afterMs)} ms`;
  await refresh();
}

async function invalidateTag() {
  const tag = $("tag").value;
  const r = await (await fetch(`/api/invalidate-tag?tag=${encodeURIComponent(tag)}&mode=hard`, { method: "POST" })).json();
  status(`tag ${r.invalidated} invalidated (${r.mode}): only elements tagged with it are fetched again`);
  await refresh();
}

async function stampede() {
  const n = Number($("stampede-n").value) || 200;
  status(`stampede of ${n}…`);
  const r = await (await fetch(`/api/stampede?n=${n}`, { method: "POST" })).json();
  stampedes.push(r);
  stampedeChart.setData([stampedes.map((_, i) => i + 1), stampedes.map((s) => s.requests), stampedes.map((s) => s.creatorCalls)]);
  $("stampede-result").textContent =
    `${fmt.format(r.requests)} concurrent cold calls → ${r.creatorCalls} creator call${r.creatorCalls === 1 ? "" : "s"} (${r.ms} ms)`;
  status("");
  await refresh();
}

$("traffic").addEventListener("click", traffic);
$("invalidate-soft").addEventListener("click", () => invalidate("soft"));
$("invalidate-hard").addEventListener("click", () => invalidate("hard"));
$("stampede").addEventListener("click", stampede);
$("invalidate-tag").addEventListener("click", invalidateTag);
await refresh();
setInterval(refresh, 1000);

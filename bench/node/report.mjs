// The Node/Redis section of docs/benchmarks.md.
const table = (head, rows) =>
  [`| ${head.join(" | ")} |`, `|${head.map((h, i) => (i ? "---:" : "---")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join(
    "\n",
  );
const us = (ns) => (ns / 1000).toFixed(ns < 10_000 ? 2 : 1);
const ratio = (x) => `${x < 0.1 ? x.toPrecision(2) : x.toFixed(2)}×`;
const commands = (byCommand) =>
  Object.entries(byCommand)
    .map(([c, k]) => (k > 1 ? `${k} ${c}` : c))
    .join(", ");

export function redisSection(x) {
  if (x.skipped) return ["## Node over Redis", `Not measured in this run: ${x.skipped}.`];
  const base = x.rows.find((r) => r.id === "edgepile-redis");
  return [
    "## Node over Redis",
    [
      `Each library's get-or-create in one Node process (${x.rows[0]?.n.toLocaleString("en")} awaited calls on one warm key per round, rounds interleaved between libraries, median with min–max) over Debian's redis-server ${x.redisVersion} on loopback, started by the benchmark.`,
      "Requests are what clients sent Redis, counted with MONITOR (commands a Lua script runs are part of that script's request): the average over 20 hits, and one cold miss including its write and, for edgepile, its lease.",
      `The stampede is ${x.processes} Node processes, each making ${x.calls} concurrent calls on one cold key, the creator taking ${x.creatorMs} ms.`,
    ].join(" "),
    table(
      [
        "subject",
        "L1",
        "cross-process lock",
        "hit, µs/op",
        "min–max",
        "× edgepile",
        "requests per hit",
        "requests per cold miss",
        "stampede: creator calls",
        "wrong",
      ],
      x.rows.map((r) => [
        r.label,
        r.l1,
        r.lock,
        us(r.median),
        `${us(r.min)}–${us(r.max)}`,
        base ? ratio(r.median / base.median) : "–",
        r.hitRequests.toFixed(r.hitRequests % 1 ? 2 : 0),
        `${r.missRequests} (${commands(r.missCommands)})`,
        r.stampede.creatorCalls,
        r.stampede.wrong,
      ]),
    ),
    "A hit through Redis is one GET for every library without an L1: the time is the round trip plus each library's own work. A memory L1 (edgepile's `l1`, bentocache's L1 layer) answers hits without Redis. edgepile's cold miss with the lease is four requests (GET, SET NX PX for the lease, SET PX for the value, EVALSHA to release the lease) against two without it; in exchange, one process creates the value while the others wait for it, where each process of the other libraries (and edgepile without the lease) creates its own.",
  ];
}

// Counts the requests clients send to Redis while some work runs, with MONITOR: every command a
// client sends is one line. Commands run inside a Lua script (tagged "lua") are the script's own
// work, not requests, and are left out. Markers (ECHO) sent before and after the work bound it.
import { createClient } from "redis";

export async function monitor(url) {
  const watcher = createClient({ url });
  const marker = createClient({ url });
  await Promise.all([watcher.connect(), marker.connect()]);
  let lines = [];
  await watcher.monitor((line) => lines.push(line));
  let n = 0;
  const waitFor = async (text) => {
    for (let i = 0; i < 200 && !lines.some((l) => l.includes(text)); i++) await new Promise((r) => setTimeout(r, 5));
  };
  return {
    /** Requests made by `work`, by command name (upper case), and their total. */
    async count(work) {
      const [start, end] = [`bench-mark-${++n}-start`, `bench-mark-${n}-end`];
      lines = [];
      await marker.sendCommand(["ECHO", start]);
      await waitFor(start);
      await work();
      await marker.sendCommand(["ECHO", end]);
      await waitFor(end);
      const from = lines.findIndex((l) => l.includes(start));
      const to = lines.findIndex((l) => l.includes(end));
      const byCommand = {};
      for (const line of lines.slice(from + 1, to)) {
        if (/\[\d+ lua\]/.test(line)) continue;
        const name = /\] "([^"]+)"/.exec(line)?.[1]?.toUpperCase() ?? "?";
        byCommand[name] = (byCommand[name] ?? 0) + 1;
      }
      return { total: Object.values(byCommand).reduce((a, b) => a + b, 0), byCommand };
    },
    close: async () => {
      watcher.destroy();
      await marker.close();
    },
  };
}

// The payload shapes stored by the stored-bytes measurement, the same for every library.
function document10k() {
  // A ~10 KB JSON document: a page of product records.
  const items = [];
  for (let i = 0; items.length < 52; i++) {
    items.push({
      id: `sku-${100000 + i * 37}`,
      title: `Stainless steel item number ${i} with a longer descriptive name`,
      price: Math.round(((i * 7919) % 10000) + 99) / 100,
      inStock: i % 3 !== 0,
      tags: ["kitchen", "steel", i % 2 ? "sale" : "new"],
      rating: { average: ((i * 13) % 50) / 10, count: (i * 101) % 997 },
    });
  }
  return { page: 1, pageSize: items.length, total: 1280, items };
}

function dated() {
  // What a user's cached object usually looks like: Dates, and a Map. JSON subjects store each
  // Date as a 24-character ISO string (26 B with quotes) and the Map as {}; edgepile stores a
  // Date as MessagePack's timestamp (10 B) and keeps the Map.
  const at = (i) => new Date(1_700_000_000_123 + i * 61_001);
  return {
    id: 42,
    createdAt: at(0),
    updatedAt: at(1),
    events: Array.from({ length: 10 }, (_, i) => ({ at: at(i + 2), kind: i % 2 ? "view" : "click" })),
    totals: new Map([
      ["views", 5],
      ["clicks", 5],
    ]),
  };
}

export const PAYLOADS = {
  small: () => ({ id: 42, name: "Ada Lovelace", email: "ada@example.com", admin: false }),
  document: document10k,
  integers: () => Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 100_003),
  floats: () => Array.from({ length: 10_000 }, (_, i) => Math.round(Math.sin(i) * 1e6) / 100),
  dated,
};

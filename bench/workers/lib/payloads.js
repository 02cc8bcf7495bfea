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

export const PAYLOADS = {
  small: () => ({ id: 42, name: "Ada Lovelace", email: "ada@example.com", admin: false }),
  document: document10k,
  integers: () => Array.from({ length: 10_000 }, (_, i) => (i * 7919) % 100_003),
  floats: () => Array.from({ length: 10_000 }, (_, i) => Math.round(Math.sin(i) * 1e6) / 100),
};

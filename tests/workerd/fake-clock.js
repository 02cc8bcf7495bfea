// A clock for regions (milliseconds, like Date.now) that moves only when told: workerd's clock
// stands still during computation, and expiry tests must not sleep. Free of imports, so Node
// tests (tests/redis/) share it.
export function fakeClock(startMs = 1_700_000_000_000) {
  let now = startMs;
  const clock = () => now;
  clock.advance = (seconds) => {
    now += seconds * 1000;
  };
  return clock;
}

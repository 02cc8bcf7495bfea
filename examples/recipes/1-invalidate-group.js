// Recipe 1: invalidating a group of related keys (dogpile.cache's recipes page).
// A custom key generator records a key template per function; invalidateUserId deletes every
// key for one user id across all of them.
//   node examples/recipes/1-invalidate-group.js
import { makeRegion } from "edgepile";

export async function run(print = console.log) {
  const userKeys = new Set();
  function myKeyGenerator(namespace, fn) {
    const fname = fn.name;
    return (...arg) => {
      // a key template: "fname_%d_arg1_arg2..."
      const keyTemplate = `${fname}_%d${arg.slice(1).map(String).join("_")}`;
      userKeys.add(keyTemplate);
      return keyTemplate.replace("%d", String(arg[0]));
    };
  }

  async function invalidateUserId(region, userId) {
    for (const key of userKeys) await region.delete(key.replace("%d", String(userId)));
  }

  const region = makeRegion({ functionKeyGenerator: myKeyGenerator }).configure("edgepile.memory");

  let counter = 0;
  const next = () => counter++;
  const user_fn_one = region.cacheOnArguments(function user_fn_one(userId) {
    return `user fn one: ${next()}, ${userId}`;
  });
  const user_fn_two = region.cacheOnArguments(function user_fn_two(userId) {
    return `user fn two: ${next()}, ${userId}`;
  });
  const user_fn_three = region.cacheOnArguments(function user_fn_three(userId) {
    return `user fn three: ${next()}, ${userId}`;
  });

  print(await user_fn_one(5));
  print(await user_fn_two(5));
  print(await user_fn_three(7));
  print(await user_fn_two(7));

  await invalidateUserId(region, 5);
  print("invalidated:");
  print(await user_fn_one(5));
  print(await user_fn_two(5));
  print(await user_fn_three(7));
  print(await user_fn_two(7));
}

if (typeof process !== "undefined" && import.meta.url === `file://${process.argv[1]}`) await run();

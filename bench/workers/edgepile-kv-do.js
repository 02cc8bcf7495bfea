// edgepile over Workers KV with the LeaseCoordinator Durable Object as the cross-isolate lock.
import { serve } from "./lib/serve.js";
import { kvSubject } from "./edgepile-kv.js";

export { LeaseCoordinator } from "edgepile";

export default serve(({ kv, env }) => kvSubject(kv, { lockNamespace: env.LEASES }));

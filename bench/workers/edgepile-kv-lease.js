// edgepile over Workers KV with best-effort KV lease keys as the cross-isolate lock.
import { serve } from "./lib/serve.js";
import { kvSubject } from "./edgepile-kv.js";

export default serve(({ kv }) => kvSubject(kv, { distributedLock: true }));

// The one already-resolved Promise that `next()` returns when nothing downstream is still running
// (lib/router/invoke.ts). It lives here, below both the router and the middleware, so that a
// middleware can recognise that case without depending on the router (design.md's arrows).

/** Returned by `next()` when nothing downstream is still running. Shared: never allocated per call. */
export const RESOLVED: Promise<void> = Promise.resolve();

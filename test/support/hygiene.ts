/**
 * Process hygiene for tests of code that refreshes in the background: no rejection may go
 * unhandled, and nothing (socket, server, timer) may stay open once everything was closed.
 */
import assert from "node:assert/strict";

/** Sockets, servers and timers still open, polled briefly (closing is asynchronous). Pipes are the runner's stdio. */
export async function leftoverHandles(): Promise<string[]> {
  const busy = () => process.getActiveResourcesInfo().filter((r) => /TCP|Timeout/.test(r));
  for (let i = 0; i < 40 && busy().length > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return busy();
}

/** Start recording unhandled rejections now; `assertClean()` (in `after`) fails on any, and on open handles. */
export function watchProcess(): { assertNoUnhandledRejections(): void; assertClean(): Promise<void> } {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };
  process.on("unhandledRejection", onUnhandled);
  const assertNoUnhandledRejections = (): void => {
    process.off("unhandledRejection", onUnhandled);
    assert.deepEqual(unhandled, [], "no unhandled rejections");
  };
  return {
    assertNoUnhandledRejections,
    async assertClean() {
      assertNoUnhandledRejections();
      assert.deepEqual(await leftoverHandles(), [], "no sockets, servers or timers left");
    },
  };
}

# edge_triggered.py — lesson 04's Python side: asyncio's cancellation is edge-triggered.
# task.cancel() throws CancelledError into the task once, at its next await; a task
# that catches it and carries on is no longer cancelled.   python3 lessons/04-cancellation/experiments/edge_triggered.py
import asyncio

async def swallower():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        print("  caught CancelledError, carrying on")   # pitfall 1: swallowing it
    await asyncio.sleep(1)                                # pitfall 2: this runs normally
    print("  a second await after the cancel ran to the end")
    return "finished anyway"

async def cleaner():
    try:
        await asyncio.sleep(10)
    finally:
        await asyncio.sleep(0.1)                          # cleanup that waits: allowed, once
        print("  cleanup after cancel completed")

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    t = asyncio.create_task(swallower())
    await asyncio.sleep(1); t.cancel()
    print(f"swallower: {await t!r}, cancelled()={t.cancelled()}, cancelling()={t.cancelling()}, "
          f"at {loop.time() - t0:.1f} s")
    t = asyncio.create_task(cleaner())
    await asyncio.sleep(1); t.cancel()
    try:
        await t
    except asyncio.CancelledError:
        print(f"cleaner: cancelled()={t.cancelled()}")

asyncio.run(main())

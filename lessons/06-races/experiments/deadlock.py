# deadlock.py — lesson 06: the same in asyncio: it never returns, and says nothing.
#   python3 lessons/06-races/experiments/deadlock.py
import asyncio

async def lock_both(first, second):
    async with first:
        await asyncio.sleep(0.1)
        async with second:
            pass

async def main():
    a, b = asyncio.Lock(), asyncio.Lock()
    await asyncio.gather(lock_both(a, b), lock_both(b, a))

asyncio.run(main())

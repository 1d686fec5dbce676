# counter.py — lesson 06: the same in Python: asyncio tasks, then threads.
#   python3 lessons/06-races/experiments/counter.py
import asyncio, threading

counter = 0

async def add_many():
    global counter
    for _ in range(1000):
        counter += 1          # no await inside: no other task runs in between
    await asyncio.sleep(0)

async def main():
    await asyncio.gather(*(add_many() for _ in range(1000)))
    print(f"1000 tasks x 1000:    counter = {counter}")

asyncio.run(main())

counter = 0
def add_many_thread():
    global counter
    for _ in range(1000000):
        counter += 1          # load, add, store: a thread switch can fall in between
threads = [threading.Thread(target=add_many_thread) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(f"4 threads x 1000000:  counter = {counter}")

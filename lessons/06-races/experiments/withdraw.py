# withdraw.py — lesson 06: the same race in asyncio.
#   python3 lessons/06-races/experiments/withdraw.py
import asyncio

balance = 100

async def withdraw(amount):
    global balance
    if balance >= amount:                 # check...
        await asyncio.sleep(0.1)          # ...ask the fraud service...
        balance -= amount                 # ...act, on a check that may be out of date
        print(f"withdrew {amount}, balance {balance}")
    else:
        print(f"refused {amount}, balance {balance}")

async def main():
    await asyncio.gather(withdraw(80), withdraw(80))

asyncio.run(main())

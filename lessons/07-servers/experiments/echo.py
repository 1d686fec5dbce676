# echo.py — lesson 07: the echo server of exercise 07.1 in asyncio, for comparison.
#   python3 lessons/07-servers/experiments/echo.py   (serves 127.0.0.1:7007 for 30 s)
import asyncio

async def echo_connection(reader, writer):   # asyncio starts a task per connection
    try:
        while data := await reader.read(16384):
            writer.write(data)
            await writer.drain()             # wait while the socket's buffer is full
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()

async def main():
    server = await asyncio.start_server(echo_connection, "127.0.0.1", 7007)
    async with server:                       # closes the listening socket at the end
        await asyncio.sleep(30)              # the "stop event" of this example
    # Python 3.13: server.close_clients() would end the open connections too

asyncio.run(main())

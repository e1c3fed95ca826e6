"""A TCP proxy the tests control, to cut a federation link without stopping a node.

It forwards ``127.0.0.1:<port>`` to a target in a background thread. ``cut()`` closes
every open connection and refuses new ones, as a broken line does; ``restore()`` lets
connections through again.
"""

import asyncio
import contextlib
import threading

from imc_local.ports import free_port


class TcpProxy:
    """Forwards a local port to ``target``; the link can be cut and restored."""

    def __init__(self, target: tuple[str, int], port: int | None = None) -> None:
        self.target = target
        self.port = port or free_port()
        self.open = True
        self.connections = 0
        self._loop = asyncio.new_event_loop()
        self._writers: set[asyncio.StreamWriter] = set()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"proxy-{self.port}", daemon=True)
        self._server: asyncio.Server | None = None

    def start(self) -> "TcpProxy":
        """Start forwarding; returns once the port listens."""
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError(f"proxy on {self.port} did not start")
        return self

    def cut(self) -> None:
        """Close every connection and refuse new ones."""
        self.open = False
        asyncio.run_coroutine_threadsafe(self._close_all(), self._loop).result(10)

    def restore(self) -> None:
        """Let connections through again."""
        self.open = True

    def stop(self) -> None:
        """Stop the proxy and its thread."""
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._accept, "127.0.0.1", self.port)
        )
        self._ready.set()
        self._loop.run_forever()
        self._server.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.connections += 1
        self._writers |= {writer, up_writer}
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )
        self._writers -= {writer, up_writer}

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _close_all(self) -> None:
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self._writers.clear()

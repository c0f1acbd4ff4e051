"""One service process: uvicorn serving a service's app factory.

Once start-up is done, what exists (modules, the app, its engine, keys and clients)
lives as long as the process. ``gc.freeze()`` moves it out of the cyclic
collector's sight, so a full collection scans only what requests create. Measured
on the audit log under load: full collections had paused the server ~90 ms each
(~4 % of its CPU); frozen, ~2 ms. The freeze is the process's, done here once per
server process (each worker's), not in an app's lifespan: a process that runs
several apps (the in-process test suite) would have one app's shutdown unfreeze
what another's start-up froze.
"""

import gc
import socket

import uvicorn
from uvicorn.supervisors import Multiprocess

__all__ = ["STARTUP_FAILURE", "FrozenServer", "serve"]

# uvicorn's own exit status when the app does not start.
STARTUP_FAILURE = 3


class FrozenServer(uvicorn.Server):
    """A uvicorn server that freezes the process's heap once its app has started."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:  # a failed start-up leaves nothing to keep
            gc.freeze()


def serve(factory: str, *, host: str, port: int, workers: int = 1) -> int:
    """Serve the app ``factory`` ("module:function") until a signal stops it.

    Several workers share one port (uvicorn's process manager); each runs the whole
    app, so everything shared between them lives in the database.
    """
    config = uvicorn.Config(
        factory,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # uvicorn's access log prints raw paths, which may hold an identifier; the
        # request log writes the route template instead.
        access_log=False,
        # Nothing reads the client's address or scheme (logs carry request and
        # trace ids, URLs come from settings): X-Forwarded-* parsing on every
        # request was ~5 % of a small request's CPU for nothing.
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )
    server = FrozenServer(config)
    try:
        if config.workers > 1:
            sockets = [config.bind_socket()]
            Multiprocess(config, target=server.run, sockets=sockets).run()
            return 0
        server.run()
    except KeyboardInterrupt:
        pass  # SIGINT, re-raised by uvicorn once it has drained
    return 0 if server.started or config.workers > 1 else STARTUP_FAILURE

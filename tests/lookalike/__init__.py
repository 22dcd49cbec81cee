"""A small CryoSPARC look-alike for tests: serves project directories on disk
to the real cryosparc-tools clients, 4.7 (JSON-RPC command servers) and 5.0
(OpenAPI REST), on 127.0.0.1.

    with start_server(root, generation="5") as server:
        cs = CryoSPARC(**server.instance_info)
"""

from .log import Call, RequestLog
from .server import LookalikeServer, start_server

__all__ = ["Call", "LookalikeServer", "RequestLog", "start_server"]

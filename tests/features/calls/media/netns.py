"""A private network namespace for one media test (docs/calls-media.md, CALLS.md §5.2).

The test's thread moves into a new namespace (`unshare(CLONE_NEWNET)` affects only the
calling thread, and the asyncio loop runs on it), so Janus, coturn and the aiortc peers it
starts talk over a veth pair that exists nowhere else, and the thread moves back after.
libnice ignores loopback, so Janus gets `v0` (10.77.0.1); aiortc binds `v1` (10.77.0.2);
`accept_local` lets packets between two local addresses through.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

CLONE_NEWNET = 0x40000000
JANUS_SIDE = "10.77.0.1"
PEER_SIDE = "10.77.0.2"

_SETUP = [
    "ip link set lo up",
    "ip link add v0 type veth peer name v1",
    f"ip addr add {JANUS_SIDE}/24 dev v0",
    f"ip addr add {PEER_SIDE}/24 dev v1",
    "ip link set v0 up",
    "ip link set v1 up",
    *(
        f"sysctl -q -w net.ipv4.conf.{dev}.{key}={value}"
        for dev in ("all", "default", "v0", "v1")
        for key, value in (("accept_local", 1), ("rp_filter", 0))
    ),
]


def namespace_unavailable() -> str | None:
    """Why a media test cannot run here, or None."""
    if os.geteuid() != 0:
        return "network namespaces need root"
    for tool in ("ip", "sysctl"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    return None


@contextmanager
def private_network() -> Iterator[None]:
    libc = ctypes.CDLL(None, use_errno=True)
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        if libc.unshare(CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET) failed")
        try:
            for command in _SETUP:
                subprocess.run(command.split(), check=True, capture_output=True)
            yield
        finally:
            if libc.setns(home, CLONE_NEWNET) != 0:
                raise OSError(ctypes.get_errno(), "could not return to the test's namespace")
    finally:
        os.close(home)

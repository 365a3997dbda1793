"""Run by test_keys_in_memory.py in a fresh interpreter: counts the copies of a client's keys in
this process's memory (`/proc/self/mem`) before the client, while 32 threads use it, and after it
is gone, and prints the counts as JSON.

The script holds exactly two copies of each key itself, made without temporaries (a temporary
would leave a copy in freed memory and be counted): the `str` given to the client and the
`bytearray` searched for. Only the last 32 characters of each key are searched for: the allocator
writes its own pointers over the first bytes of a freed block, which would hide a key left there.

    python keys_in_memory_child.py BASE_URL [CA_BUNDLE]
"""

from __future__ import annotations

import ctypes
import gc
import json
import mmap
import os
import sys
import threading
from typing import Any, Optional

import ddorg

KEY_LEN = 64
SEARCHED = 32
THREADS = 32
CALLS_PER_THREAD = 20
CHUNK = 1 << 20
HEX = "0123456789abcdef"


def random_key(prefix: str) -> tuple[str, bytearray]:
    """A random key and its last SEARCHED characters as bytes, each built in one piece."""
    chars = [HEX[b % 16] for b in os.urandom(KEY_LEN - len(prefix))]  # cached 1-char strs
    key = "".join([prefix, *chars])
    needle = bytearray(SEARCHED)
    for i, c in enumerate(chars[-SEARCHED:]):
        needle[i] = ord(c)
    return key, needle


# Memory is read into this one buffer (left out of the scan): no bytes object per chunk.
_BUF = mmap.mmap(-1, CHUNK + KEY_LEN)
_BUF_AT = ctypes.addressof(ctypes.c_char.from_buffer(_BUF))
_VIEW = memoryview(_BUF)


def copies_in_memory(needle: bytearray) -> int:
    with open("/proc/self/maps", encoding="ascii") as f:
        regions = [line.split() for line in f.read().splitlines()]
    found = 0
    fd = os.open("/proc/self/mem", os.O_RDONLY)
    try:
        for fields in regions:
            start, end = (int(x, 16) for x in fields[0].split("-"))
            name = fields[5] if len(fields) > 5 else ""
            if not fields[1].startswith("r") or name.startswith("[v"):
                continue
            at = start
            while at < end:
                step = min(CHUNK, end - at)
                want = min(step + len(needle) - 1, end - at)
                try:
                    got = os.preadv(fd, [_VIEW[:want]], at)
                except OSError:
                    got = 0
                pos = _BUF.find(needle, 0, got)
                while 0 <= pos < step:
                    addr = at + pos
                    if not (_BUF_AT - len(needle) < addr < _BUF_AT + len(_BUF)):
                        found += 1
                    pos = _BUF.find(needle, pos + 1, got)
                at += step
    finally:
        os.close(fd)
    return found


def main(base_url: str, ca_bundle: Optional[str]) -> dict[str, Any]:
    api_key, api = random_key("api-")
    app_key, app = random_key("app-")
    counts: dict[str, Any] = {"before": [copies_in_memory(api), copies_in_memory(app)]}

    extra: dict[str, Any] = {"ca_bundle": ca_bundle} if ca_bundle else {}
    client = ddorg.Client(api_key, app_key, base_url=base_url, max_retries=0, **extra)
    client.get_org("abcdef12345")  # from the main thread: the interruptible path
    errors: list[str] = []

    def calls() -> None:
        for _ in range(CALLS_PER_THREAD):
            try:
                client.get_org("abcdef12345")
            except ddorg.DdorgError as e:
                errors.append(str(e))

    threads = [threading.Thread(target=calls) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    counts["errors"] = errors[:3]
    counts["in_use"] = [copies_in_memory(api), copies_in_memory(app)]
    del client
    gc.collect()
    counts["after"] = [copies_in_memory(api), copies_in_memory(app)]
    return counts


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)))

"""Bounded decoding of Content-Encoding chains: a compression bomb never expands in memory."""

from __future__ import annotations

import zlib


class UnsupportedCoding(ValueError):
    pass


class BoundedDecoder:
    """Decode a Content-Encoding chain chunk by chunk, never producing more than asked for.

    Each call of :meth:`decode` returns at most ``limit`` bytes; a caller that asks
    for one byte more than it may keep learns that the content is too large
    without ever holding it. Every decoding stage is bounded the same way.
    """

    def __init__(self, header_values: list[str]):
        codings = [c.strip().lower() for v in header_values for c in v.split(",") if c.strip()]
        self.codings = [c for c in codings if c != "identity"]
        self.stages = []
        for coding in reversed(self.codings):  # the last coding applied is undone first
            if coding in ("gzip", "x-gzip"):
                self.stages.append([zlib.decompressobj(16 + zlib.MAX_WBITS), None])
            elif coding == "deflate":
                self.stages.append([zlib.decompressobj(zlib.MAX_WBITS), "deflate"])  # zlib; raw as fallback
            else:
                raise UnsupportedCoding(coding)

    def decode(self, data: bytes, limit: int) -> tuple[bytes, bool]:
        """(decoded bytes, whether more output was pending beyond ``limit``)."""
        more = False
        for stage in self.stages:
            d, fallback = stage
            try:
                out = d.decompress(d.unconsumed_tail + data, limit)
            except zlib.error:
                if fallback != "deflate":
                    raise
                d = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent as raw DEFLATE
                out = d.decompress(data, limit)
            stage[0], stage[1] = d, None
            more = more or bool(d.unconsumed_tail)
            data = out
        return data, more

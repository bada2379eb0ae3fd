"""Import before using the reference implementation to write: numcodecs changed its Zstd
default level from 1 to 0 in 0.13; Lakota 0.7.1 ran with level 1, the corpus was written
with it, and commits that embed string arrays depend on it."""
from numcodecs import registry, zstd


class Zstd(zstd.Zstd):
    codec_id = "zstd"

    def __init__(self, level=1, **kwargs):
        super().__init__(level=level, **kwargs)


registry.register_codec(Zstd)

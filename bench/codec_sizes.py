"""Sizes of blosc zstd level 1 against lz4 on common kinds of float data (bit-shuffled,
as the engine compresses them), with the numcodecs the reference runs:

    .venv-ref/bin/python bench/codec_sizes.py

Why lz4 is not the default for arrays under 1 MiB (README, "Performance")."""
import numpy as np
from numcodecs import Blosc

N = 8000
rng = np.random.default_rng(2)
CASES = {
    "random walk, 4 decimals (the benchmark's)": np.round(100 + np.cumsum(rng.integers(-1000, 1001, N) / 1e4), 4),
    "temperatures, 1 decimal": np.round(rng.uniform(-5, 30, N), 1),
    "prices, 2 decimals": np.round(50 + np.cumsum(rng.normal(0, 0.05, N)), 2),
    "a counter, as floats": np.arange(N, dtype="f8"),
    "95 % zeros": np.where(rng.random(N) < 0.05, rng.random(N), 0.0),
    "Gaussian noise": rng.normal(0, 1, N),
}
print(f"| {N:,} values | zstd 1 | lz4 | lz4 / zstd 1 |")
print("|---|---|---|---|")
for name, values in CASES.items():
    zstd = len(Blosc("zstd", 1, Blosc.BITSHUFFLE).encode(values))
    lz4 = len(Blosc("lz4", 5, Blosc.BITSHUFFLE).encode(values))
    print(f"| {name} | {zstd:,} | {lz4:,} | {lz4 / zstd:.2f} |")

"""A tiny, self-contained CPU benchmark: multiply two N x N matrices in pure Python.

Usage: python3 matmul.py [N]   (default N = 120). Prints the checksum so a broken run is visible.
"""

from __future__ import annotations

import random
import sys


def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    """The textbook triple loop, with the inner loop over a transposed row for locality."""
    columns = list(zip(*b))
    return [[sum(x * y for x, y in zip(row, col)) for col in columns] for row in a]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 120
    rng = random.Random(42)
    a = [[rng.random() for _ in range(n)] for _ in range(n)]
    b = [[rng.random() for _ in range(n)] for _ in range(n)]
    c = matmul(a, b)
    print(f"n={n} checksum={sum(map(sum, c)):.6f}")


if __name__ == "__main__":
    main()

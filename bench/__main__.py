"""``python -m bench``: every benchmark, one after the other."""

from __future__ import annotations

from bench import sandbox


def main() -> None:
    print("== Qonto sandbox ==")
    sandbox.main([])


if __name__ == "__main__":
    main()

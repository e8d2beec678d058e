"""Command line (placeholder until the foundation slice lands)."""


def main(argv: list[str] | None = None) -> int:
    return 0

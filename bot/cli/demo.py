def demo() -> None:
    """Placeholder."""

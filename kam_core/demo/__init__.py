"""Deterministic demo data, from a small demo to benchmark size (`kam demo`)."""

from kam_core.demo.generator import generate_demo
from kam_core.demo.schemas import DemoReport, DemoSize, DemoUser

__all__ = ["DemoReport", "DemoSize", "DemoUser", "generate_demo"]

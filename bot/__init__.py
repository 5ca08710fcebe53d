"""App assembly, settings and entry points (CLI, HTTP, Socket Mode, scheduler)."""

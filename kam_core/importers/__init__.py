"""Importers: CRM data in, one transaction per run, a report of what changed."""

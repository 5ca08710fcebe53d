"""Slack listeners: parse the payload, call one kam_core service, render, reply."""

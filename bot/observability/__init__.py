"""Production visibility: Prometheus metrics, structured logs, one line per Slack request, readiness.

metrics.py      the counters and histograms, and the functions other code calls to record
logging.py      structlog set-up (JSON or console) with redaction of tokens and user text
context.py      the per-request correlation id, carried into bolt's listener threads
request_log.py  the WSGI wrapper that times each Slack request and writes its log line
middleware.py   the bolt middleware that names a request (surface, command, user)
slack_api.py    retry handlers that count Slack Web API errors and retries
health.py       readiness: database reachable, migrations current
"""

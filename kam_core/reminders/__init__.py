"""Rep reminders: the morning follow-up DM, cadence nudges and care touches, built in
grouped queries for everyone due and delivered once per (kind, person, period)."""

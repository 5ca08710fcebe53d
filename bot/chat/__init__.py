"""`kam chat`: talk to the real bot in a terminal, through the local Slack emulator."""

"""Weekly manager digests: what happened on a manager's team's accounts, built in a fixed
number of grouped queries, and delivered once per manager and ISO week."""

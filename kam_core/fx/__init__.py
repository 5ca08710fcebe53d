"""Exchange rates into the reporting currency, and sums of money in it."""

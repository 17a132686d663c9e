"""HTTP routes of the banking half."""

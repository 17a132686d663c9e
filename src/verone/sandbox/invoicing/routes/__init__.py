"""HTTP routes of the invoicing half."""

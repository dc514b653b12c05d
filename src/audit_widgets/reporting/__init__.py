"""Reports to the regulator."""

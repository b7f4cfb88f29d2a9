"""Reports: terminal tables, HTML with plots."""

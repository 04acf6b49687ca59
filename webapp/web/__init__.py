"""HTTP: pages and fragments."""

"""The handbook's pages in memory: escaping, rendering the templates, cutting long pages, open data and writing."""

"""MkDocs: running it on the generated pages, and the Markdown extensions and hook it loads from here."""

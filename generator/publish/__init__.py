"""What is made from the built site: the search index, the PDF and the offline copy."""

"""The site renderer: Markdown pages for MkDocs, the MkDocs plugin and the HTML sanitiser."""

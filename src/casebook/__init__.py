"""基层治理案例库：load → validate → catalog → render.

records/  the model: rules (schema folder), loader, validator, catalog
web/      MkDocs pages, the plugin and the HTML sanitiser
pdf/      handouts and lecture packs (WeasyPrint)
export.py JSON and CSV downloads; search.py the words search keeps whole; text.py what renderers share
"""

"""基层治理案例库：load → validate → catalog → render.

records/  the model: rules (schema folder), loader, validator, catalog
web/      MkDocs pages, the plugin and the HTML sanitiser
pdf/      handouts and lecture packs (WeasyPrint)
search/   the words of search, what is indexed of a page, the Pagefind and offline indexes
export.py JSON and CSV downloads; text.py what renderers share
"""

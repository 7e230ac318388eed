"""Search: words.py the words the index and the query share, documents.py what is indexed of a
page, indexes.py the Pagefind index (served site) and the script shards (offline site, preview)."""

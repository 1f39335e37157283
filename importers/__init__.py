"""Exports -> beancount entries. Each source is a beangulp Importer. Imports only `ledger`."""

import os

# Arrow's jemalloc, which reads a download (importers.arrowcsv), hands what it frees back
# to the system at once rather than a second later: a large download's cells, let go
# before its entries are built, were otherwise still resident at the import's peak (on
# 300,000 different donors 455-485 MB against 415-430, no slower). jemalloc reads this
# once, when pyarrow is first imported: here, before any importer imports it.
os.environ.setdefault("JE_ARROW_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")

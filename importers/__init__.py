"""Exports -> beancount entries. Each source is a beangulp Importer. Imports only `ledger`."""

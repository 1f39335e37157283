"""Entries -> statements: pure functions returning data, and separate renderers.

Imports only `ledger`; never `importers` or `fundledger`.
"""

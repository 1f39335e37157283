"""The core layer: the fund model, the fund rules (a beancount plugin) and books I/O.

Nothing here imports `importers`, `reports` or `fundledger`.
"""

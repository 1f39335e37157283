"""fundledger: fund accounting for litigation crowdfunders, grants and donations.

This package is the shell: the CLI and `serve`. It composes `importers`, `reports` and
`ledger` and holds no accounting logic of its own.
"""

__version__ = "0.1.0"

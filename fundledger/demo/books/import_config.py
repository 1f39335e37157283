"""Fava's import page (custom "fava-option" "import-config" "import_config.py"): the
fundledger importers for these books. Exports to try are in ../exports."""

from importers.fava import config_for

CONFIG = config_for(__file__)
HOOKS: list = []

"""The baseline importer: beangulp's csvbase.Importer on a PayPal activity download (one
posting per row: no fees, funds, pseudonyms or deduplication). A module of its own so
that the beangulp script bench/import_bench.py writes imports nothing else."""

from beangulp.importers import csvbase


class CsvbasePayPal(csvbase.Importer):
    encoding = "utf-8-sig"
    date = csvbase.Date("Date", "%d/%m/%Y")
    narration = csvbase.Column("Type")
    amount = csvbase.Amount("Gross", subs={",": ""})
    currency = csvbase.Column("Currency")

    def identify(self, filepath):
        return True

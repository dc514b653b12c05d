"""audit-workbench: the after-sales service maturity certification workbook."""

__version__ = "0.1.0"

"""The frame every printed document shares: an A4 page, the CJK fonts named (so Chromium finds
them on the machine and embeds them in the PDF), and nothing fetched from the network."""
from __future__ import annotations

import html

# Fonts installed by fonts-noto-cjk: named, never downloaded (no web fonts, no CDN).
SANS = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"
SERIF = "'Noto Serif CJK SC', 'Noto Serif SC', 'Source Han Serif SC', serif"

STYLE = f"""
@page {{ size: A4; margin: 15mm 14mm 16mm 14mm; }}
html {{ font-family: {SANS}; font-size: 9.5pt; color: #222; line-height: 1.45; }}
body {{ margin: 0 auto; max-width: 182mm; }}
h1, h2 {{ font-family: {SERIF}; }}
h1 {{ font-size: 18pt; text-align: center; margin: 0 0 2mm; }}
h2 {{ font-size: 12.5pt; border-bottom: 1.5px solid #1f4e79; color: #1f4e79; margin: 6mm 0 2mm;
      break-after: avoid; }}
h3 {{ font-size: 10.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }}
h2 small, h3 small, .en {{ color: #666; font-weight: normal; }}
p {{ margin: 1.2mm 0; }}
table {{ border-collapse: collapse; width: 100%; margin: 1.5mm 0; }}
th, td {{ border: 0.6px solid #bbb; vertical-align: top; text-align: left; overflow-wrap: anywhere; }}
th {{ background: #eef3f8; }}
tr {{ break-inside: avoid; }}
svg {{ max-width: 100%; height: auto; }}
.figure {{ break-inside: avoid; margin: 2mm 0; }}
.facts th {{ width: 28%; }}
.muted {{ color: #666; font-size: 8.5pt; }}
ul {{ margin: 1mm 0; padding-left: 6mm; }}
"""


def heading(zh: str, en: str, level: int = 2) -> str:
    return f"<h{level}>{html.escape(zh)} <small>{html.escape(en)}</small></h{level}>"


def facts_table(rows: list[tuple[str, str]]) -> str:
    """Label → value rows; the values are markup already (escaped by the caller)."""
    body = "".join(f"<tr><th>{html.escape(label)}</th><td>{value}</td></tr>" for label, value in rows)
    return f"<table class='facts'><tbody>{body}</tbody></table>"


def document(title: str, body: str, extra_style: str = "") -> str:
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}{extra_style}</style></head><body>{body}</body></html>")

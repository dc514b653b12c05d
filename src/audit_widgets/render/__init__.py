"""Rendering shared by the widgets, the documents and the dashboard: HTML helpers and colours
(html.py), sections drawn from recorded results (results.py) and charts as SVG (charts.py).
Nothing here imports ipywidgets, so a PDF or a batch run never loads a widget library."""

"""Beside the usual Django files, core's modules are the shared tools, each named for what it holds
(days, paging, region_codes, spreadsheets, docx, exports, text, …), and the registries the feature apps
fill from their AppConfig.ready(): navigation (each app's menu.py) and today (each app's today.py)."""

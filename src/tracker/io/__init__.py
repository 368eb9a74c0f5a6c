"""Files in and out.

Reading spreadsheets within bounds, the import planner, exports, IATI, neutralised
cells.
"""

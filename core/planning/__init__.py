"""Planning a question offline: grounding its words in a table, shape rules proposing plans, choosing one.

words.py (vocabulary) -> grounding.py (what each word can mean in a table) -> shapes.py (registered rules,
each proposing a plan) -> offline.py (OfflinePlanner: the reading that accounts for every word) ; followups.py
edits the previous plan, and `continues` decides whether that edit is the reading. model.py holds TableView and Planned, shared with the LLM planner.
"""
from .followups import continues, follow_up
from .model import Planned, TableView, shape_of
from .offline import OfflinePlanner, read_numbers

__all__ = ["OfflinePlanner", "Planned", "TableView", "continues", "follow_up", "read_numbers", "shape_of"]

"""Planning a question offline: grounding its words in a table, shape rules proposing plans, choosing one.

words.py (vocabulary) -> grounding.py (what each word can mean in a table) -> shapes.py (registered rules,
each proposing a plan) -> offline.py (OfflinePlanner: the reading that accounts for every word) ; followups.py
edits the previous plan. model.py holds TableView and Planned, shared with the LLM planner.
"""
from .followups import follow_up, is_follow_up
from .model import Planned, TableView, shape_of
from .offline import OfflinePlanner

__all__ = ["OfflinePlanner", "Planned", "TableView", "follow_up", "is_follow_up", "shape_of"]

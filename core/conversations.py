"""Conversations: stored in the workspace catalog (SQLite or PostgreSQL), per user, with each answer, so they survive restarts."""
from __future__ import annotations

import json
import time
import uuid

from .catalog import Catalog
from .errors import NotFound


class Conversations:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog  # its migrations created the conversations and messages tables

    def create(self, user: str | None = None, title: str = "New conversation", file_ids: list[int] | None = None) -> str:
        cid = uuid.uuid4().hex[:12]
        self.catalog.add_conversation(cid, user, title, time.time(), json.dumps(file_ids) if file_ids else None)
        return cid

    def get(self, cid: str) -> dict:
        d = self.catalog.conversation(cid)
        if d is None:
            raise NotFound(f"Conversation {cid} does not exist (it may have been cleared).")
        d["file_ids"] = json.loads(d["file_ids"]) if d["file_ids"] else None
        return d

    def list(self, user: str | None = None) -> list[dict]:
        return self.catalog.conversations(user)

    def add(self, cid: str, role: str, content: str, answer: dict | None = None, plan: dict | None = None) -> int:
        return self.catalog.add_message(cid, role, content, json.dumps(answer, default=str) if answer else None,
                                        json.dumps(plan, default=str) if plan else None, time.time())

    def messages(self, cid: str) -> list[dict]:
        out = []
        for d in self.catalog.messages(cid):
            d["answer"] = json.loads(d["answer"]) if d["answer"] else None
            d["plan"] = json.loads(d["plan"]) if d["plan"] else None
            out.append(d)
        return out

    def window(self, cid: str, turns: int) -> list[dict]:
        """The last `turns` exchanges (user + assistant pairs), oldest first."""
        msgs = self.messages(cid)
        return msgs[-2 * turns:] if turns > 0 else []

    def last_plan(self, cid: str) -> dict | None:
        plan = self.catalog.last_plan(cid)
        return json.loads(plan) if plan else None

    def feedback(self, message_id: int, value: int) -> None:
        self.catalog.set_feedback(message_id, value)

    def clear(self, cid: str) -> None:
        self.catalog.delete_conversation(cid)

"""Conversations: stored in the workspace's SQLite, per user, with each answer, so they survive restarts."""
from __future__ import annotations

import json
import time
import uuid

from .catalog import Catalog
from .errors import NotFound

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
  id TEXT PRIMARY KEY, user TEXT, title TEXT, created REAL, updated REAL, file_ids TEXT);
CREATE TABLE IF NOT EXISTS messages (
  id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  role TEXT NOT NULL, content TEXT NOT NULL, answer TEXT, plan TEXT, created REAL, feedback INTEGER);
CREATE INDEX IF NOT EXISTS ix_messages_conv ON messages(conversation_id, id);
CREATE INDEX IF NOT EXISTS ix_conversations_user ON conversations(user, updated);
"""


class Conversations:
    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        catalog.conn().executescript(SCHEMA)

    def create(self, user: str | None = None, title: str = "New conversation", file_ids: list[int] | None = None) -> str:
        cid = uuid.uuid4().hex[:12]
        now = time.time()
        with self.catalog.tx() as c:
            c.execute("INSERT INTO conversations (id, user, title, created, updated, file_ids) VALUES (?,?,?,?,?,?)",
                      (cid, user, title, now, now, json.dumps(file_ids) if file_ids else None))
        return cid

    def get(self, cid: str) -> dict:
        r = self.catalog.query("SELECT * FROM conversations WHERE id=?", (cid,))
        if not r:
            raise NotFound(f"Conversation {cid} does not exist (it may have been cleared).")
        d = dict(r[0])
        d["file_ids"] = json.loads(d["file_ids"]) if d["file_ids"] else None
        return d

    def list(self, user: str | None = None) -> list[dict]:
        q = "SELECT c.*, (SELECT COUNT(*) FROM messages m WHERE m.conversation_id=c.id) AS n FROM conversations c"
        rows = self.catalog.query(q + (" WHERE user IS ?" if user is not None else "") + " ORDER BY updated DESC",
                                  (user,) if user is not None else ())
        return [dict(r) for r in rows]

    def add(self, cid: str, role: str, content: str, answer: dict | None = None, plan: dict | None = None) -> int:
        now = time.time()
        with self.catalog.tx() as c:
            mid = c.execute(
                "INSERT INTO messages (conversation_id, role, content, answer, plan, created) VALUES (?,?,?,?,?,?)",
                (cid, role, content, json.dumps(answer, default=str) if answer else None,
                 json.dumps(plan, default=str) if plan else None, now)).lastrowid
            c.execute("UPDATE conversations SET updated=? WHERE id=?", (now, cid))
            if role == "user":
                c.execute("UPDATE conversations SET title=? WHERE id=? AND title='New conversation'", (content[:60], cid))
        return mid

    def messages(self, cid: str) -> list[dict]:
        rows = self.catalog.query("SELECT * FROM messages WHERE conversation_id=? ORDER BY id", (cid,))
        out = []
        for r in rows:
            d = dict(r)
            d["answer"] = json.loads(d["answer"]) if d["answer"] else None
            d["plan"] = json.loads(d["plan"]) if d["plan"] else None
            out.append(d)
        return out

    def window(self, cid: str, turns: int) -> list[dict]:
        """The last `turns` exchanges (user + assistant pairs), oldest first."""
        msgs = self.messages(cid)
        return msgs[-2 * turns:] if turns > 0 else []

    def last_plan(self, cid: str) -> dict | None:
        r = self.catalog.query("SELECT plan FROM messages WHERE conversation_id=? AND role='assistant' AND plan IS NOT NULL"
                               " ORDER BY id DESC LIMIT 1", (cid,))
        return json.loads(r[0]["plan"]) if r else None

    def feedback(self, message_id: int, value: int) -> None:
        with self.catalog.tx() as c:
            c.execute("UPDATE messages SET feedback=? WHERE id=?", (int(value), message_id))

    def clear(self, cid: str) -> None:
        with self.catalog.tx() as c:
            c.execute("DELETE FROM conversations WHERE id=?", (cid,))

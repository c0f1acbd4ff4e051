"""The benchmarks' baseline: a bare FastAPI app doing one database insert per request,
and listing a page of 20 stored rows.

Same backend and the same engine settings as the services (``make_engine``: SQLite in
WAL mode with synchronous=NORMAL, or a PostgreSQL pool), a sync endpoint on
uvicorn's thread pool like the services' own, and nothing else: no auth, no
validation beyond the body model, no logging middleware. Start it with
``uvicorn baseline_app:create_app --factory --app-dir bench`` and
``BASELINE_DATABASE_URL`` set.
"""

import os

from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, Table, Text, insert, select

from samverkan_shared.db import make_engine

__all__ = ["create_app"]

_metadata = MetaData()
_items = Table(
    "baseline_items",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("body", Text, nullable=False),
)


class Item(BaseModel):
    kind: str
    body: str
    n: int = 0


def create_app() -> FastAPI:
    engine = make_engine(os.environ["BASELINE_DATABASE_URL"])
    _metadata.create_all(engine)
    app = FastAPI(title="baseline")

    @app.get("/readyz")
    def ready() -> dict[str, str]:
        return {"status": "ready"}

    @app.post("/items", status_code=201)
    def add(item: Item) -> dict[str, int]:
        with engine.begin() as connection:
            result = connection.execute(
                insert(_items).values(kind=item.kind, body=item.body)
            )
            key = result.inserted_primary_key
        return {"id": int(key[0]) if key else 0}

    @app.get("/items")
    def page(limit: int = 20) -> dict[str, list[dict[str, object]]]:
        # The newest rows, as the tips listing's first page: one query, plain rows.
        statement = select(_items).order_by(_items.c.id.desc()).limit(limit)
        with engine.connect() as connection:
            rows = connection.execute(statement).mappings().all()
        return {"items": [dict(row) for row in rows]}

    @app.get("/items/count")
    def count() -> dict[str, int]:
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT count(*) FROM baseline_items")
            return {"count": int(rows.scalar_one())}

    return app

"""Places people gave that the gazetteer does not know, merged into known ones by an
organiser ("Newcastel" is Newcastle upon Tyne): after that they count as one place in
digests, circle suggestions and introductions. Every merge is logged."""

from __future__ import annotations

from bot.places import normalise_place
from bot.places_lookup import PlaceAnswer, resolve_place
from storage import curation as curation_store
from storage import places as store
from storage.db import Database


class PlaceMergeError(ValueError):
    """The merge cannot be made; the message says why."""


class PlaceService:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def merge(self, actor: str, unknown: str, known: str) -> tuple[str, PlaceAnswer, int]:
        """(the place as typed, the known place, rows changed)."""
        source = resolve_place(unknown)
        if source.known:
            raise PlaceMergeError(
                f"“{unknown}” is already a known place ({source.name}); only places I don't "
                "know can be merged."
            )
        target = resolve_place(known)
        if not target.known:
            raise PlaceMergeError(f"I don't know “{known}” either: merge into a known place.")
        old_key = normalise_place(unknown)
        async with self.db.transaction() as session:
            changed = await store.merge_place(
                session, old_key, target.name, target.key, target.region
            )
            detail = {"from": old_key, "to": target.key, "rows": changed}
            await curation_store.log(session, actor, "place_merge", detail=detail)
        return source.name, target, changed

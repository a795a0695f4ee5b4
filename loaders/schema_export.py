"""Regenerate loaders/listing.schema.json: `python -m loaders.schema_export`."""

import json
from pathlib import Path

from screengraph.loaders.model import Listing

SCHEMA_PATH = Path(__file__).with_name("listing.schema.json")


def listing_schema() -> str:
    schema = Listing.model_json_schema()
    schema["$id"] = "https://github.com/screengraph/screengraph/loaders/listing.schema.json"
    schema["description"] = "One show as a catalogue lists it (screengraph listing record)."
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(listing_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")

"""Contributors' tools: a new entry's skeleton, the field reference, the live preview."""

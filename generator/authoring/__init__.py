"""Writers' tools: kb init's scaffold, kb new, kb stats."""

"""The monthly review (kb report): volume, usage, impact, spikes, export."""

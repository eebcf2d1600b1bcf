"""Checking a knowledge base: validation rules, lint, link checks (kb check)."""

"""The core: article model and loader, front matter, text, escaping, errors, atomic writes. Imports nothing above it."""

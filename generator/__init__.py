"""supportkb: a docs-as-code help center. The shared base: article model, loader, validation, build."""

__version__ = "0.1.0"

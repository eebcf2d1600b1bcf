"""The help site: the MkDocs plugin, generated pages, theme, redirects, atomic site swap."""

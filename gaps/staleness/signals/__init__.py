"""The signals tying a release-note entry to an article, one module each, every one worth 0..1.

link, declared, identifier, outdated_version, code_line, text, section_title, phrase;
signal_match holds what they all return and how their strengths combine.
"""

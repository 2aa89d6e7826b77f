"""Passage's own locale formats (FORMAT_MODULE_PATH): Django ships none for Burmese (`my`)."""

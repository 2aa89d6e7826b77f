"""Passage: secure case management for groups that help people leave an abusive armed force."""

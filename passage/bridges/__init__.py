"""Bridges: read what a chat service exports and send each message to Passage's API.

Each adapter (telegram, signal, jsonl) turns its format into `Message`s, or `Skipped` with a
reason; `send` posts them through the REST API, the same intake action as every other channel.
Plain Python: no Django, so a bridge can run on a machine that only reaches the API.
"""

"""Pieces of the local end-to-end demo (``testenv/demo.py``): the production tree and
its restored copy, the harness process, EventBridge events, and a Fargate stand-in."""

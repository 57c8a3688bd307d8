"""Code every function shares, installed as the Lambda layer `layers/shared` (/opt/python).

Nothing here knows an API: each API package composes these parts with its own
errors, envelope and settings.
"""

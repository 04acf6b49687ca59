"""Sockets: parse frames into commands, run them, fan the events out."""

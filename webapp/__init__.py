"""Chatboard: live chat rooms with a shared drawing board."""

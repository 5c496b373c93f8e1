"""Accounts without a password in hand: password reset by email and invitations to set a first password.

A package of its own, not core.services: these services email through core.notifications, whose pages use
core.views, which uses core.services (a cycle between core's modules otherwise).
"""

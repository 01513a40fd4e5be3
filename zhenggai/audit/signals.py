"""Sent by `record` for each event, inside the recording transaction.

The audit log knows no domain; parts that react to acts (in-app messages) listen here,
so that a part such as the ledger need not import the part that reacts to it.
"""

from django.dispatch import Signal

# Keyword arguments: event (the saved Event) and obj (the object the act was on).
# A receiver's error rolls back the act with its event: receivers must not fail lightly.
event_recorded = Signal()

"""Notification email: who is told of which change (subscriptions), the message (render), and
how it leaves (transports). The outbox and the delivery job tie them to the event log."""

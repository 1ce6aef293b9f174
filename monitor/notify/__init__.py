"""Notifications: who is told of which change (subscriptions), the message (render), and how it
leaves (email transports; signed webhooks and Apprise in channels). The outbox and the delivery
job tie them to the event log, with the same guarantees for every channel."""

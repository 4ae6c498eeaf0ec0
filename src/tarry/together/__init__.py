"""Together: two people, end to end encrypted, through a relay that only ever sees ciphertext.

identity (this device's keys), code and pairing (a short code and SPAKE2), envelope (sealed,
signed, numbered and chained messages), client (the relay over HTTP), pairs, outbox, inbox
(receiving and naming a misbehaving relay), sync, and the features: rounds (answer, then
reveal), checkins, shared_time, nudges. docs/relay.md and docs/security.md explain the design.
"""
